"""What every ``congdoan`` command shares: the typer app, consoles, exit codes, options.

Exit codes: 0 success; 1 the work ran but failed (a crawl with no items, a
parser error, a search with no hits); 2 bad usage or configuration (unknown
site, bad registry, unreadable file, unusable database); 3 a crawl finished
with some pages failed (partial); 4 another crawl of the site holds its lock;
5 a crawl's run is degraded (spider health: fields, items or parse errors fell
behind the site's recent runs; see ``congdoan health``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, NoReturn, cast

import typer
from rich.console import Console
from rich.markup import escape

from congdoan.exports.rows import KINDS, Kind
from congdoan.health import EXIT_DEGRADED as HEALTH_DEGRADED_EXIT
from congdoan.locks import EXIT_LOCKED as LOCK_HELD_EXIT

app = typer.Typer(
    name="congdoan",
    help="Crawl Vietnamese trade-union portals (NukeViet) for articles and legal documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
EXIT_LOCKED = LOCK_HELD_EXIT  # defined beside the lock: the scheduler reads it from children
EXIT_DEGRADED = HEALTH_DEGRADED_EXIT  # spider health: a run reads worse than its site's past

RegistryOpt = Annotated[
    Path | None,
    typer.Option("--registry", "-r", envvar="CONGDOAN_REGISTRY",
                 help="Registry TOML file to use instead of the packaged sites.toml."),
]


DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file (default: $CONGDOAN_DATABASE_URL, "
                 "else data/congdoan.sqlite3)."),
]


def db_url(value: str | None) -> str | None:
    """A SQLAlchemy URL from ``--db``: URLs pass through, a bare path means a SQLite file."""
    if not value:
        return None
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def die(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one readable error line and exit."""
    # The message carries user input (URLs, queries): never read it as rich markup.
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def parse_sets(pairs: list[str] | None) -> dict[str, str]:
    settings: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            die(f"--set expects KEY=VALUE, got {pair!r}")
        settings[key.strip()] = value
    return settings


SiteOpt = Annotated[str | None, typer.Option("--site", help="Only this site (registry id).")]
KindOpt = Annotated[str | None, typer.Option("--kind", "-k", help="article or document.")]


def parse_kind(value: str | None) -> Kind | None:
    """``--kind`` as a Kind; ``articles``/``documents`` are accepted too. Dies on anything else."""
    if value is None:
        return None
    kind = value.strip().lower().removesuffix("s")
    if kind not in KINDS:
        die(f"--kind must be article or document, got {value!r}")
    return cast(Kind, kind)


def parse_since(value: str | None) -> datetime | None:
    """``--since`` as an aware datetime: ISO (2024-01-15) or Vietnamese (15/01/2024) dates.

    A bare date means its midnight in Vietnam (UTC+7), where the portals publish.
    """
    if value is None:
        return None
    from congdoan.normalize.dates import parse_vn_date

    parsed = parse_vn_date(value.strip())
    if parsed is None:
        die(f"--since: cannot read {value!r} as a date (use 2024-01-15 or 15/01/2024)")
    return parsed.value
