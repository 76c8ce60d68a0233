"""Spiders used by tests only."""
