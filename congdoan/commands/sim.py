"""``congdoan sim``: serve simulated NukeViet, WordPress (and, with --generic, generic) portals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from congdoan.commands.common import app, console, die

if TYPE_CHECKING:
    from congdoan.sim import PortalSpec, SimServer, WordPressSpec


@app.command()
def sim(
    port: Annotated[int, typer.Option(help="Port of the first portal; the next use port+1 …")
                    ] = 8080,
    sites_: Annotated[int, typer.Option("--sites", min=0, help="Number of NukeViet portals.")
                      ] = 3,
    wordpress: Annotated[int, typer.Option(
        "--wordpress", min=0, help="Number of WordPress portals (wp1: REST API open; wp2: "
        "REST API closed; wp3: plain permalinks; then again), served after the NukeViet ones."
    )] = 0,
    articles: Annotated[int, typer.Option(help="Articles per portal.")] = 500,
    documents: Annotated[int, typer.Option(help="Documents per portal.")] = 200,
    seed: Annotated[int, typer.Option(help="Content seed (same seed, same portals).")] = 1,
    registry_out: Annotated[Path | None, typer.Option(
        "--registry-out", help="Write a registry TOML for the running portals here.")] = None,
    theme: Annotated[str, typer.Option(
        help="default, or reskin: a re-templated theme the parsers only half read "
        "(unlabelled bylines, lead moved into the body, signer under the text).")
                     ] = "default",
    listings_empty: Annotated[bool, typer.Option(
        "--listings-empty", help="Serve every news category and the laws list empty "
        "(WordPress: REST, sitemaps, feed and archives list no post).")
                              ] = False,
    generic: Annotated[bool, typer.Option(
        "--generic", help="Serve one portal of unknown CMS instead (the generic spider's "
        "test site: /bai-viet/<slug>/ pages, sitemaps, a feed, a documents table).")] = False,
) -> None:
    """Serve simulated NukeViet (and WordPress) portals on 127.0.0.1 until Ctrl-C.

    A WordPress portal serves --articles posts (plus drafts, private, pending and
    scheduled posts that must never be crawled), with authors, categories, tags,
    images and attached files.

    --theme reskin and --listings-empty show what spider health (`congdoan health`)
    flags: a theme change that loses fields, and a portal whose listings went empty.

    \b
    Examples:
      congdoan sim --sites 2 --articles 100 --registry-out sim.toml
      congdoan sim --sites 1 --wordpress 2 --articles 50 --registry-out sim.toml
      congdoan crawl --all --registry sim.toml -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=false
    (run the crawl in a second terminal while the simulator serves)
    """
    if generic:
        _serve_generic(port, articles, documents, seed, registry_out)
        return
    from dataclasses import replace

    from congdoan.sim import default_portals
    from congdoan.sim.spec import THEMES
    from congdoan.sim.wordpress import wordpress_portals

    if theme not in THEMES:
        die(f"--theme must be one of {', '.join(THEMES)}, got {theme!r}")
    if sites_ + wordpress == 0:
        die("nothing to serve: give --sites or --wordpress a number above 0")
    nukeviet = [replace(spec, theme=theme, listings_empty=listings_empty)
                for spec in default_portals(sites_, articles, documents, seed=seed)]
    wp = [replace(spec, listings_empty=listings_empty)
          for spec in wordpress_portals(wordpress, articles, seed=seed)]
    _serve(nukeviet, wp, port, registry_out)


def _serve(nukeviet: list[PortalSpec], wp: list[WordPressSpec], port: int,
           registry_out: Path | None) -> None:
    """Serve the NukeViet and WordPress portals until Ctrl-C, saying where once ready."""
    from congdoan.sim import run_forever

    def ready(server: SimServer) -> None:
        _print_portals(server, nukeviet, wp)
        if registry_out:
            registry_out.write_text(server.registry_toml(), encoding="utf-8")
            console.print(f"registry written to {registry_out}")
        console.print("Ctrl-C to stop.")

    try:
        run_forever([*nukeviet, *wp], base_port=port, on_ready=ready)
    except OSError as exc:
        die(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}")


def _print_portals(server: SimServer, nukeviet: list[PortalSpec],
                   wp: list[WordPressSpec]) -> None:
    """Each portal's address and what it is."""
    from congdoan.sim.wordpress import describe

    for spec in nukeviet:
        console.print(f"{spec.site_id}: {server.base_url(spec.site_id)}  "
                      f"(NukeViet, {spec.url_style}{', /vi/' if spec.lang_prefix else ''})")
    for w in wp:
        console.print(f"{w.site_id}: {server.base_url(w.site_id)}  ({describe(w)})")


def _serve_generic(port: int, articles: int, documents: int, seed: int,
                   registry_out: Path | None) -> None:
    """``congdoan sim --generic``: one generic portal until Ctrl-C."""
    import time

    from congdoan.sim.generic import GenericPortal, GenericSimServer

    portal = GenericPortal.build(articles=articles, documents=documents, seed=seed)
    try:
        server = GenericSimServer(portal, port=port).start()
    except OSError as exc:
        die(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}")
    console.print(f"{portal.site_id}: {server.base_url}  (generic portal)")
    if registry_out:
        registry_out.write_text(server.registry_toml(), encoding="utf-8")
        console.print(f"registry written to {registry_out}")
    console.print("Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
