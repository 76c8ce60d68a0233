"""What every ``congdoan`` command shares: the typer app, consoles, exit codes, options.

Exit codes live in ``congdoan.runtime.exitcodes`` (re-exported here for the commands).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, cast

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperOption

from congdoan import __version__
from congdoan.items.kinds import KINDS, Kind
from congdoan.runtime.exitcodes import (
    EXIT_DEGRADED,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
)
from congdoan.vntime import VN_TZ

__all__ = ["EXIT_DEGRADED", "EXIT_FAILED", "EXIT_LOCKED", "EXIT_OK", "EXIT_PARTIAL", "EXIT_USAGE"]

app = typer.Typer(
    name="congdoan",  # the help text is _main's docstring
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
console = Console()
err_console = Console(stderr=True)


def _flag_type(self: TyperOption, ctx: Any, _shown: Any = TyperOption.display_type_rich) -> Any:
    # typer's rich help prints a type for every option, so on/off flags read
    # "--full <bool>" as if they took a value; a flag shows no type.
    return None if self.is_flag else _shown(self, ctx)


TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]


def _print_version(value: bool) -> None:
    if value:
        print(f"congdoan {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_print_version,
                       is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Crawl Vietnamese trade-union portals (NukeViet) for articles and legal documents.

    \b
    First steps:
      congdoan demo                  simulated portals -> crawl -> a database to explore
      congdoan sites                 the portals in the registry
      congdoan crawl dienbien        crawl one portal into data/congdoan.sqlite3
    """

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


# dd/mm/yyyy with an optional hh:mm[:ss], the way Vietnamese pages and people write it.
_VN_MOMENT = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_UTC_WORDS = (" utc", " gmt")


def read_moment(value: str) -> datetime | None:
    """An aware datetime from a date or date-time a person typed; ``None`` if unreadable.

    Accepted: ISO 8601 (``2024-01-15``, ``2026-11-27T12:59``, with ``Z`` or
    ``+07:00``), ``… UTC``, and Vietnamese ``15/01/2024`` or ``15/01/2024 12:59``.
    Without a zone the moment is Vietnam time (where the portals publish); a
    bare date is its midnight. Nothing is guessed: a half-read value is refused.
    """
    text = value.strip()
    zone: Any = VN_TZ
    if text.lower().endswith(_UTC_WORDS):
        text, zone = text[:-4].strip(), UTC
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        match = _VN_MOMENT.fullmatch(text)
        if match is None:
            return None
        day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            moment = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    elif zone is UTC:
        return None  # both an offset and "UTC": ambiguous
    return moment


def parse_since(value: str | None) -> datetime | None:
    """``--since`` as an aware datetime (see ``read_moment``); dies with one line otherwise."""
    if value is None:
        return None
    moment = read_moment(value)
    if moment is None:
        die(f"--since: cannot read {value!r} as a date or time (use 2024-01-15, "
            "2026-11-27T12:59, 2026-11-27T05:59Z or 15/01/2024 12:59; "
            "without a zone it is Vietnam time)")
    return moment
