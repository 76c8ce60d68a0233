"""Simulated portals for the benchmarks: served on 127.0.0.1 with a registry beside them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from congdoan.sim import PortalSpec, SimServer


@contextmanager
def served(specs: list[PortalSpec], workdir: Path) -> Iterator[tuple[SimServer, Path]]:
    """Serve ``specs`` and write ``workdir/sites.toml`` pointing at them; stop on exit."""
    server = SimServer(specs).start()
    try:
        registry = workdir / "sites.toml"
        registry.write_text(server.registry_toml(), encoding="utf-8")
        yield server, registry
    finally:
        server.stop()


def fetched_urls(server: SimServer, site_ids: list[str]) -> list[str]:
    """Absolute URLs of every GET the portals served since their logs were last cleared."""
    return [server.base_url(site) + record.path
            for site in site_ids for record in server.requests(site) if record.method == "GET"]
