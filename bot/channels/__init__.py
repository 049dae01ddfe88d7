"""Input channels: Rasa's stock channels made safe to expose to the public."""
