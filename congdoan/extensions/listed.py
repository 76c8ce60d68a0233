"""Which listed items a crawl has not accounted for: the shortfall spider health judges.

A listing page names items (``page_read`` with its ``entries``). By the end of a
run each of them must be accounted for: stored (``item_scraped``), reported
failed (``page_failed``: the failure ledger has it), answered 304 (unchanged),
stored before and not due (the spider's ``KnownSet``), or passed over on purpose
(``passed``: older than ``--since``). What is left was lost silently: a portal
that lists 26 documents of which 16 are stored and none failed is not healthy.

Items are matched by every name they go by: the portal's own id when its URLs
carry one (NukeViet), else the URL listed, the URL fetched (redirects included)
and the canonical URL. The same item listed twice (a category page and page 1
re-read at the end of a walk, a sitemap and a feed) counts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, Any]


def entry_keys(url: str, cms_id: int | None) -> tuple[Key, ...]:
    """The names of a listed item: its CMS id first when it has one, then its URL."""
    by_url: Key = ("url", url)
    return (("id", cms_id), by_url) if cms_id is not None else (by_url,)


def item_keys(item: Any, response: Any = None) -> tuple[Key, ...]:
    """The names of a stored item: its CMS id, its URLs, and the URLs its request went by."""
    keys: list[Key] = []
    if item.get("source_id") is not None:
        keys.append(("id", item.get("source_id")))
    urls = [item.get("url"), item.get("canonical_url")]
    if response is not None:
        urls += [response.url, *response.request.meta.get("redirect_urls", ())] \
            if getattr(response, "request", None) is not None else [response.url]
    keys += [("url", u) for u in urls if u]
    return tuple(keys)


@dataclass
class ListedItems:
    """One kind's listed items and which of them are still unaccounted for."""

    listed: set[Key] = field(default_factory=set)  # each item by its first name
    accounted: set[Key] = field(default_factory=set)
    _waiting: dict[Key, set[Key]] = field(default_factory=dict)  # a name -> items it settles
    _pending: set[Key] = field(default_factory=set)

    def list(self, keys: Sequence[Key]) -> None:
        """An item a listing named (again, or for the first time)."""
        main = keys[0]
        if main in self.listed:
            return
        self.listed.add(main)
        if any(k in self.accounted for k in keys):
            return
        self._pending.add(main)
        for key in keys:
            self._waiting.setdefault(key, set()).add(main)

    def account(self, keys: Iterable[Key]) -> None:
        """Items known by any of ``keys`` are accounted for (stored, failed, passed …)."""
        for key in keys:
            self.accounted.add(key)
            for main in self._waiting.pop(key, ()):
                self._pending.discard(main)

    @property
    def missing(self) -> int:
        """Listed items not accounted for (yet)."""
        return len(self._pending)
