"""Sending the outbox: every pending (or earlier failed) delivery, grouped per watch and
channel, each group marked sent or failed in its own transaction.

A delivery is marked sent only after the server accepted it. A process killed
between sending and marking sends that group again on the next run, under the
same delivery ids (webhook header, e-mail Message-ID) so receivers can tell.
A failed group stays in the outbox and is retried by the next run, up to
``MAX_ATTEMPTS`` runs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from congdoan.alerts import mail, webhook
from congdoan.alerts.settings import SmtpSettings
from congdoan.storage.models import Delivery, Watch

MAX_ATTEMPTS = 5
DIGEST_PERIOD = timedelta(days=1)
MAX_ITEMS_PER_MESSAGE = 100


@dataclass
class Report:
    """What one delivery run did."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _due(session: Session) -> dict[tuple[int, str], list[int]]:
    rows = session.execute(
        select(Delivery.id, Delivery.watch_id, Delivery.channel).where(_is_due())
        .order_by(Delivery.id)
    )
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for delivery_id, watch_id, channel in rows:
        groups[(watch_id, channel)].append(delivery_id)
    return {key: ids for key, ids in groups.items() if not _digest_waits(session, *key)}


def _is_due() -> ColumnElement[bool]:
    """Pending, or failed fewer than ``MAX_ATTEMPTS`` times."""
    return or_(Delivery.status == "pending",
               (Delivery.status == "failed") & (Delivery.attempts < MAX_ATTEMPTS))


def _digest_waits(session: Session, watch_id: int, channel: str) -> bool:
    """A daily-digest watch waits until a day has passed since its last message."""
    if session.scalar(select(Watch.digest).where(Watch.id == watch_id)) != "daily":
        return False
    last = session.scalar(select(func.max(Delivery.sent_at)).where(
        Delivery.watch_id == watch_id, Delivery.channel == channel))
    return last is not None and datetime.now(UTC) - last < DIGEST_PERIOD


def deliver_pending(sessions: sessionmaker[Session], smtp: SmtpSettings | None = None,
                    *, backoff: float = webhook.BACKOFF) -> Report:
    """Send everything due; returns counts and one line per failed group."""
    report = Report()
    with sessions() as session:
        groups = _due(session)
    for (watch_id, channel), ids in groups.items():
        for start in range(0, len(ids), MAX_ITEMS_PER_MESSAGE):
            _send_group(sessions, watch_id, channel, ids[start:start + MAX_ITEMS_PER_MESSAGE],
                        smtp, backoff, report)
    return report


def _send_group(sessions: sessionmaker[Session], watch_id: int, channel: str, ids: list[int],
                smtp: SmtpSettings | None, backoff: float, report: Report) -> None:
    # One transaction around the send, holding the group's rows (PostgreSQL: FOR UPDATE
    # SKIP LOCKED): a crawl ending at the same time on another worker skips them rather
    # than send them again, and rows it marked sent meanwhile are no longer due. A
    # process killed mid-send rolls back, so the next run sends the group again under
    # the same ids. The crawls' writes are not held up: they add rows, never change these.
    with sessions() as session, session.begin():
        watch = session.get(Watch, watch_id)
        items = list(session.scalars(
            select(Delivery).where(Delivery.id.in_(ids), _is_due())
            .order_by(Delivery.id).with_for_update(skip_locked=True)))
        if watch is None or not items:
            return
        name, error = watch.name, None
        try:
            if channel == "email":
                settings = smtp or SmtpSettings.from_env()
                mail.send(settings, mail.message(watch, items, settings.sender))
            else:
                webhook.post(watch, items, backoff=backoff)
        except Exception as exc:  # any failure: kept in the outbox with its reason
            error = f"{type(exc).__name__}: {exc}"
        now = datetime.now(UTC)
        for row in items:
            row.attempts += 1
            row.status = "failed" if error else "sent"
            row.last_error = error
            row.sent_at = None if error else now
    if error:
        report.failed += len(items)
        report.errors.append(f"watch {name} ({channel}): {error}")
    else:
        report.sent += len(items)
