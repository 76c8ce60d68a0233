"""Attached files: safe names, media types, text extraction."""
