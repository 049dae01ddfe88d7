"""The clinical content: one versioned data file and the code that loads it."""

from bot.guidance.loader import Film, Guidance, GuidanceError, load_guidance

__all__ = ["Film", "Guidance", "GuidanceError", "load_guidance"]
