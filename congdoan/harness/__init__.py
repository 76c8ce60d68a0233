"""Harnesses that run the simulator against the crawler: the demo and the reliability run."""
