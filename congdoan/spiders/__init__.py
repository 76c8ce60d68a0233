"""congdoan.spiders."""
