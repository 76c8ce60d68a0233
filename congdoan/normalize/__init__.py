"""congdoan.normalize."""
