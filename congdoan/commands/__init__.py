"""The ``congdoan`` commands: every module here registers its commands on ``app``.

Modules are imported by discovery, so adding a command is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil

from congdoan.commands.common import app

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module not in ("common", "database"):  # shared helpers, no commands
        importlib.import_module(f"{__name__}.{_module}")

__all__ = ["app"]
