"""What the fork server of ``tests/forked.py`` imports once: what a crawl imports, no reactor.

The command line, Scrapy's and the project's components (every dotted path the
project's settings name, as the crawler loads them: pipelines, extensions,
middlewares, handlers, scheduler...), the spiders, the databases' drivers and
the migrations' machinery. Nothing here installs a Twisted reactor: each
forked child installs its own when its crawl starts.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import suppress

from scrapy.settings import Settings
from scrapy.utils.misc import load_object, walk_modules_iter

MODULES = (
    "congdoan.commands",
    "congdoan.jobs.runner",
    "scrapy.crawler",
    "scrapy.core.engine",
    "twisted.internet.asyncioreactor",  # the module only: installing is the child's
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",
    "alembic.command",
    "alembic.runtime.migration",
    "lxml.html",
    "parsel",
    "congdoan.alerts.deliver",
    "congdoan.extensions.jsonl",
    "congdoan.files.backlog",
    "congdoan.runtime.pglock",
    "congdoan.storage.health",
    "congdoan.storage.history",
    "congdoan.storage.runs",
)
OPTIONAL = ("docx", "pypdfium2", "PIL.Image", "pytesseract")  # the file readers' libraries


def _dotted_paths(settings: Settings) -> set[str]:
    """Every setting value (or dict key) that names an object by a dotted path."""
    found: set[str] = set()
    for name in settings:
        value = settings[name]
        if name.endswith(("_BASE", "S", "HANDLERS")) and hasattr(value, "keys"):
            candidates = [key for key in value if isinstance(key, str)]
            candidates += [v for v in value.values() if isinstance(v, str)]
        else:
            candidates = [value] if isinstance(value, str) else []
        found.update(c for c in candidates if "." in c and c.split(".")[0].isidentifier()
                     and " " not in c and "/" not in c)
    return found


def preload() -> None:
    """Import everything above; a path that does not import is left to the child."""
    for module in MODULES:
        importlib.import_module(module)
    for module in OPTIONAL:
        with suppress(ImportError):
            importlib.import_module(module)
    settings = Settings()
    settings.setmodule("congdoan.settings", priority="project")
    for path in sorted(_dotted_paths(settings)):
        if path == "twisted.internet.asyncioreactor.AsyncioSelectorReactor":
            continue
        with suppress(Exception):  # not every dotted string is an object's path
            load_object(path)
    for module in settings.getlist("SPIDER_MODULES"):
        for _ in walk_modules_iter(module):
            pass
    if "twisted.internet.reactor" in sys.modules:  # would leave every child without a reactor
        raise RuntimeError("preloading installed a Twisted reactor")


preload()
