"""Benchmarks: scripts that time our components against the obvious alternative."""
