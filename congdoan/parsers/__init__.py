"""congdoan.parsers."""
