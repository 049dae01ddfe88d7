"""Custom actions (rasa-sdk action server). Thin: decisions live in bot/."""
