"""Downloader middlewares: how congdoan survives what portals throw at it."""
