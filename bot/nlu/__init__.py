"""Rasa NLU graph components of this project."""
