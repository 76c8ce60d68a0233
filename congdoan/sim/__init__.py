"""congdoan.sim."""
