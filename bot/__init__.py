"""Sepsis and fever safety-netting assistant: the project's own library."""
