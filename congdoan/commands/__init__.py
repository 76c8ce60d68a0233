"""The ``congdoan`` commands; importing this package registers every command on ``app``."""

from congdoan.commands import crawl, extract, sim, sites  # noqa: F401  (registration)
from congdoan.commands.common import app

__all__ = ["app"]
