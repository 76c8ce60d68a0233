"""congdoan.pipelines: the item pipelines of a crawl (``ITEM_PIPELINES`` in congdoan.settings).

Importing the package imports itemadapter (Scrapy's access to items, which the
pipelines' Scrapy bases use) without pydantic: see ``_itemadapter_without_pydantic``.
"""

from __future__ import annotations

import sys


def _itemadapter_without_pydantic() -> None:
    """Import itemadapter so that it does not import pydantic.

    itemadapter imports pydantic, and pydantic's v1 copy, whenever it is installed,
    to accept pydantic models as items: 7.3 MB of a crawl process's memory
    (docs/benchmarks.md, session 8). congdoan's items are Scrapy items and dicts;
    pydantic is installed for the web interface (FastAPI), another process. While
    itemadapter is imported, pydantic reads as not installed (a ``None`` entry in
    ``sys.modules`` makes its import fail); it can be imported normally afterwards.
    A process that imported either already is left as it is.
    """
    if "itemadapter" in sys.modules or "pydantic" in sys.modules:
        return
    sys.modules["pydantic"] = None  # type: ignore[assignment]
    try:
        import itemadapter  # noqa: F401
    finally:
        del sys.modules["pydantic"]


_itemadapter_without_pydantic()
