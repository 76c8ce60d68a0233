"""``python -m congdoan`` is the ``congdoan`` command (the scheduler runs crawls this way)."""

from congdoan.cli import main

main()
