"""``congdoan watch`` (saved searches that alert) and ``congdoan alerts`` (the outbox)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from congdoan.commands.common import (
    EXIT_FAILED,
    DbOpt,
    KindOpt,
    SiteOpt,
    app,
    console,
    db_url,
    die,
    err_console,
    parse_kind,
)
from congdoan.storage.records import jsonable

if TYPE_CHECKING:
    from congdoan.alerts.deliver import Report

watch_app = typer.Typer(help="Saved searches whose new and changed items are sent by e-mail "
                             "or webhook after every crawl.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")


@contextmanager
def writable(db: str | None, url: str | None = None) -> Iterator[sessionmaker[Session]]:
    """Sessions on the (migrated) database of ``--db`` (or of the resolved ``url``)."""
    from congdoan.commands.database import open_database
    from congdoan.storage.db import database_url, session_factory

    engine = open_database(url or database_url(db_url(db)))
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


@watch_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A short name for the watch.")],
    query: Annotated[str, typer.Option("--query", "-q", help="Words that must all appear "
                                                             "(diacritics optional).")] = "",
    kind: KindOpt = None,
    site: SiteOpt = None,
    code: Annotated[str | None, typer.Option(help="A document code: the document itself, "
                                                  "and articles citing it.")] = None,
    issuer: Annotated[str | None, typer.Option(help="Documents of this issuer.")] = None,
    email: Annotated[str | None, typer.Option(help="Send alerts to this address.")] = None,
    webhook: Annotated[str | None, typer.Option(help="POST alerts to this http(s) URL.")
                       ] = None,
    digest: Annotated[str | None, typer.Option(
        help="daily: gather the matches into at most one message a day per channel.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Add a watch; it alerts on items stored from now on.

    \b
    Webhooks are signed: X-Congdoan-Signature: sha256=HMAC-SHA256(secret, body),
    with the secret printed once here. E-mail goes through CONGDOAN_SMTP_HOST
    (see docs/alerts.md).
    """
    from congdoan.normalize.doccodes import parse_doc_code
    from congdoan.storage.models import Watch
    from congdoan.storage.watches import new_secret

    name = name.strip()
    if not name or len(name) > 100:
        die("the watch name must be 1-100 characters")
    if not (email or webhook):
        die("give --email ADDR and/or --webhook URL: a watch must alert somewhere")
    if webhook and not webhook.startswith(("http://", "https://")):
        die(f"--webhook must be an http(s) URL, got {webhook!r}")
    if email and "@" not in email:
        die(f"--email: not an address: {email!r}")
    if not (query.strip() or code or issuer or site or kind):
        die("a watch needs at least one condition (--query, --code, --issuer, --site, --kind)")
    if digest is not None and digest != "daily":
        die(f"--digest can only be daily, got {digest!r}")
    wanted = parse_kind(kind)
    if code:
        parsed = parse_doc_code(code)
        code = (getattr(parsed, "normalized", None) or code.strip()) if parsed else code.strip()
    secret = new_secret() if webhook else None
    with writable(db) as sessions, sessions.begin() as session:
        if session.scalar(select(Watch.id).where(Watch.name == name)) is not None:
            die(f"a watch named {name!r} exists (congdoan watch remove {name})")
        session.add(Watch(name=name, query=query.strip(), kind=wanted, site=site, code=code,
                          issuer=issuer, email=email, webhook_url=webhook, secret=secret,
                          digest=digest, created_at=datetime.now(UTC)))
    console.print(f"watch {name!r} added", highlight=False, markup=False)
    if secret:
        console.print(f"webhook secret (shown once): {secret}", highlight=False, markup=False)


@watch_app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json")] = False, db: DbOpt = None) -> None:
    """List the watches."""
    from congdoan.storage.models import Watch

    with writable(db) as sessions, sessions() as session:
        watches = list(session.scalars(select(Watch).order_by(Watch.name)))
    rows = [{"name": w.name, "query": w.query, "kind": w.kind, "site": w.site, "code": w.code,
             "issuer": w.issuer, "email": w.email, "webhook": w.webhook_url,
             "digest": w.digest, "created_at": w.created_at} for w in watches]
    if as_json:
        print(json.dumps(jsonable(rows), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} watches")
    for column in ("name", "query", "kind", "site", "code", "issuer", "email", "webhook"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(str(row[c] or "")) for c in
                        ("name", "query", "kind", "site", "code", "issuer", "email", "webhook")))
    console.print(table)


@watch_app.command("remove")
def remove(name: str, db: DbOpt = None) -> None:
    """Remove a watch and its outbox."""
    from sqlalchemy import delete

    from congdoan.storage.models import Delivery, Watch

    with writable(db) as sessions, sessions.begin() as session:
        watch_id = session.scalar(select(Watch.id).where(Watch.name == name))
        if watch_id is None:
            die(f"no watch named {name!r} (see congdoan watch list)")
        session.execute(delete(Delivery).where(Delivery.watch_id == watch_id))
        session.execute(delete(Watch).where(Watch.id == watch_id))
    console.print(f"watch {name!r} removed", highlight=False, markup=False)


@watch_app.command("test")
def test(
    name: str,
    send: Annotated[bool, typer.Option("--send", help="Also send them, marked as a test, "
                                                      "to the watch's channels.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n")] = 10,
    db: DbOpt = None,
) -> None:
    """Show the newest stored items the watch matches (and with --send, send them)."""
    from congdoan.alerts import mail, webhook
    from congdoan.alerts.settings import SmtpSettings
    from congdoan.storage.models import Delivery, Watch
    from congdoan.storage.watches import recent_matches

    with writable(db) as sessions, sessions() as session:
        watch = session.scalar(select(Watch).where(Watch.name == name))
        if watch is None:
            die(f"no watch named {name!r} (see congdoan watch list)")
        found = recent_matches(session, watch, limit)
        session.expunge_all()
    for item in found:
        console.print(Text(f"{item.kind:8} {item.when or '':10} {item.site:12} {item.title}"))
    if not found:
        err_console.print("no stored item matches this watch yet", markup=False)
    if send and found:
        items = [Delivery(id=0, watch_id=watch.id, channel="test", kind=i.kind, item_id=i.id,
                          content_hash=i.content_hash, change="new", site=i.site,
                          title=f"[THỬ] {i.title}", url=i.url, item_date=i.when)
                 for i in found]
        try:
            if watch.email:
                settings = SmtpSettings.from_env()
                mail.send(settings, mail.message(watch, items, settings.sender))
            if watch.webhook_url:
                webhook.post(watch, items)
        except Exception as exc:
            die(f"test delivery for {name!r} failed: {exc}", EXIT_FAILED)
        console.print(f"sent {len(items)} test items", markup=False)


@app.command()
def alerts(
    failed: Annotated[bool, typer.Option("--failed", help="Only failed deliveries.")] = False,
    deliver: Annotated[bool, typer.Option("--deliver", help="Send what is due first.")
                       ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n")] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: DbOpt = None,
) -> None:
    """List alert deliveries, newest first (the outbox of the watches).

    Exit status 1 when a listed delivery has failed (with --failed: when any is listed).
    """
    from congdoan.storage.models import Delivery, Watch

    with writable(db) as sessions:
        if deliver:
            report = deliver_now(sessions)
            err_console.print(f"delivered {report.sent}, failed {report.failed}", markup=False)
        with sessions() as session:
            stmt = select(Delivery, Watch.name).join(Watch, Watch.id == Delivery.watch_id)
            if failed:
                stmt = stmt.where(Delivery.status == "failed")
            rows = session.execute(stmt.order_by(Delivery.id.desc()).limit(limit)).all()
    records = [{"id": d.id, "watch": watch, "channel": d.channel, "status": d.status,
                "attempts": d.attempts, "kind": d.kind, "item_id": d.item_id, "change": d.change,
                "title": d.title, "url": d.url, "created_at": d.created_at,
                "sent_at": d.sent_at, "error": d.last_error} for d, watch in rows]
    if as_json:
        print(json.dumps(jsonable(records), ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"{len(records)} deliveries")
        for column in ("id", "watch", "channel", "status", "attempts", "title", "error"):
            table.add_column(column, overflow="fold")
        for r in records:
            table.add_row(*(Text(str(r[c] if r[c] is not None else "")) for c in
                            ("id", "watch", "channel", "status", "attempts", "title", "error")))
        console.print(table)
    if any(r["status"] == "failed" for r in records):
        raise typer.Exit(EXIT_FAILED)


def deliver_now(sessions: sessionmaker[Session]) -> Report:
    """Send the outbox now; one line per failed group on stderr."""
    from congdoan.alerts.deliver import deliver_pending

    try:
        report = deliver_pending(sessions)
    except ValueError as exc:  # bad SMTP settings
        die(str(exc))
    for line in report.errors:
        err_console.print(f"alert failed: {line}", markup=False, soft_wrap=True)
    return report
