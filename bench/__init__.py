"""Benchmark of the assistant against Rasa's stock configuration: `python -m bench` (make bench)."""
