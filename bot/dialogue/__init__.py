"""Rasa dialogue components of this project."""
