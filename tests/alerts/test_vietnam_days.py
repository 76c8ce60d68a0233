"""An alert gives an item the day a person in Vietnam calls it: an article published
30/01/2024 00:57 in Hà Nội (29/01 17:57 UTC) is of 30/01 in the e-mail's ``Ngày:`` line,
the webhook's ``date`` and ``watch test``'s list. Real SMTP and HTTP receivers, real
SQLite, the real store code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.store import write_batch
from tests.alerts.receivers import SmtpServer, WebhookReceiver
from tests.storage.conftest import article_record

runner = CliRunner()
NIGHT = "2024-01-30T00:57:00+07:00"  # 29/01 17:57 UTC


@pytest.fixture
def receivers() -> Iterator[tuple[SmtpServer, WebhookReceiver]]:
    with SmtpServer() as smtp, WebhookReceiver() as hook:
        yield smtp, hook


def store_night_article(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with session_factory(engine).begin() as session:
            record = article_record(published_at=NIGHT, published_text="30/01/2024 00:57",
                                    title="Hội nghị đêm giao thừa công đoàn")
            assert all(o.error is None for o in write_batch(session, [("article", record)]))
    finally:
        engine.dispose()


def test_alerts_give_the_vietnam_day_of_a_night_article(
        tmp_path: Path, receivers: tuple[SmtpServer, WebhookReceiver],
        monkeypatch: pytest.MonkeyPatch) -> None:
    smtp, hook = receivers
    db_url = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    monkeypatch.setenv("CONGDOAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONGDOAN_SMTP_PORT", str(smtp.port))
    added = runner.invoke(app, ["watch", "add", "dem", "--query", "giao thừa",
                                "--email", "a@example.vn", "--webhook", hook.url,
                                "--db", db_url])
    assert added.exit_code == 0, added.output
    hook.secret = added.output.split("(shown once): ")[1].split()[0]
    store_night_article(db_url)

    shown = runner.invoke(app, ["watch", "test", "dem", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    assert "2024-01-30" in shown.stdout and "T17:57" not in shown.stdout

    delivered = runner.invoke(app, ["alerts", "--deliver", "--db", db_url])
    assert delivered.exit_code == 0, delivered.output
    body = smtp.mailbox.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "Ngày: 30/01/2024 ·" in body, body
    assert [item["date"] for item in hook.accepted[0]["items"]] == ["2024-01-30"]
    pending = json.loads(runner.invoke(app, ["alerts", "--json", "--db", db_url]).stdout)
    assert {row["status"] for row in pending} == {"sent"}
