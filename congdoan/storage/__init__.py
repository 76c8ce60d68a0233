"""congdoan.storage."""
