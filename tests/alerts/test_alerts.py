"""Watches alert by e-mail (a real SMTP server) and signed webhook (a real HTTP receiver)
exactly once per new item: across a crawl, a rerun, a crawl killed mid-delivery, and a
failed delivery retried later. Crawls are real ``congdoan crawl`` child processes against
the simulator, into SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from tests.alerts.receivers import SmtpServer, WebhookReceiver
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    return request.getfixturevalue("pg_schemas").new_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """For the tests whose logic does not depend on the backend (kept short)."""
    return f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"


@pytest.fixture
def receivers() -> Iterator[tuple[SmtpServer, WebhookReceiver]]:
    with SmtpServer() as smtp, WebhookReceiver() as hook:
        yield smtp, hook


def cli(*args: str) -> object:
    result = runner.invoke(app, list(args))
    return result


def test_every_new_article_alerts_exactly_once(
        db_url: str, tmp_path: Path, receivers: tuple[SmtpServer, WebhookReceiver]) -> None:
    smtp, hook = receivers
    server, registry = serve_portals(tmp_path, sites=1, articles=8, documents=3, seed=5)
    env = {"CONGDOAN_SMTP_HOST": "127.0.0.1", "CONGDOAN_SMTP_PORT": str(smtp.port)}
    crawl_args = ("crawl", "--all", "--registry", str(registry), "--db", db_url, *FAST)

    def crawl() -> None:
        result = run_congdoan(*crawl_args, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr[-2000:]

    def served_articles() -> list[str]:
        return [a["canonical_url"] for t in (server.truth(s) for s in server.site_ids())
                for a in t["articles"]]

    try:
        added = cli("watch", "add", "tin-bai", "--kind", "article", "--email", "a@example.vn",
                    "--webhook", hook.url, "--db", db_url)
        assert added.exit_code == 0, added.output
        hook.secret = added.output.split("(shown once): ")[1].split()[0]

        # 1. The first crawl: every article once by e-mail, once by webhook.
        crawl()
        assert Counter(smtp.mailbox.urls()) == Counter(served_articles())
        assert Counter(hook.urls()) == Counter(served_articles())
        assert hook.bad_signatures == 0

        # 2. A rerun finds nothing new: nothing more is sent.
        crawl()
        assert Counter(smtp.mailbox.urls()) == Counter(served_articles())
        assert Counter(hook.urls()) == Counter(served_articles())

        # 3. Two new articles; the crawl is killed while the webhook is being delivered.
        site = server.site_ids()[0]
        server.portal(site).add_articles(2)
        hook.mode = "hang"
        child = subprocess.Popen([sys.executable, "-m", "congdoan", *crawl_args], cwd=tmp_path,
                                 env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            assert hook.hanging.wait(120), "the crawl never tried to deliver"
        finally:
            child.kill()
            child.wait(30)
        hook.mode = "ok"
        hook.release.set()
        # The items were stored with their alerts (one transaction); sending resumes on the
        # next crawl, and each accepted delivery happens once.
        crawl()
        assert Counter(smtp.mailbox.urls()) == Counter(served_articles())
        assert Counter(hook.urls()) == Counter(served_articles())

        # 4. A failing receiver: the delivery is kept, listed, and retried later.
        server.portal(site).add_articles(1)
        hook.mode = "fail"
        crawl()
        failed = cli("alerts", "--failed", "--json", "--db", db_url)
        assert failed.exit_code == 1
        rows = json.loads(failed.stdout)
        assert len(rows) == 1 and rows[0]["channel"] == "webhook" and rows[0]["error"]
        hook.mode = "ok"
        retried = cli("alerts", "--deliver", "--json", "--db", db_url)
        assert retried.exit_code == 0, retried.output
        assert Counter(smtp.mailbox.urls()) == Counter(served_articles())
        assert Counter(hook.urls()) == Counter(served_articles())
        assert hook.bad_signatures == 0
    finally:
        server.stop()


def test_watch_commands(sqlite_url: str, tmp_path: Path,
                        receivers: tuple[SmtpServer, WebhookReceiver]) -> None:
    db_url = sqlite_url
    _, hook = receivers
    server, registry = serve_portals(tmp_path, sites=1, articles=6, documents=3, seed=6)
    try:
        result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db", db_url,
                              *FAST, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        document = server.truth(server.site_ids()[0])["documents"][0]
        words = " ".join(document["title"].split()[:3])
        assert cli("watch", "add", "vb", "--query", words, "--kind", "document",
                   "--email", "b@example.vn", "--db", db_url).exit_code == 0
        again = cli("watch", "add", "vb", "--query", "x", "--email", "b@example.vn",
                    "--db", db_url)
        assert again.exit_code == 2 and "exists" in again.output
        nowhere = cli("watch", "add", "z", "--query", "x", "--db", db_url)
        assert nowhere.exit_code == 2 and "--email" in nowhere.output
        listed = json.loads(cli("watch", "list", "--json", "--db", db_url).stdout)
        assert [w["name"] for w in listed] == ["vb"]
        shown = cli("watch", "test", "vb", "--db", db_url)
        assert shown.exit_code == 0 and document["title"] in shown.stdout
        added = cli("watch", "add", "hook", "--query", words, "--kind", "document",
                    "--webhook", hook.url, "--db", db_url)
        hook.secret = added.output.split("(shown once): ")[1].split()[0]
        sent = cli("watch", "test", "hook", "--send", "--db", db_url)
        assert sent.exit_code == 0, sent.output
        assert len(hook.accepted) == 1
        titles = [item["title"] for item in hook.accepted[0]["items"]]
        assert f"[THỬ] {document['title']}" in titles
        assert all(t.startswith("[THỬ] ") for t in titles)
        assert hook.bad_signatures == 0
        assert cli("watch", "remove", "hook", "--db", db_url).exit_code == 0
        assert cli("watch", "remove", "vb", "--db", db_url).exit_code == 0
        assert cli("watch", "remove", "vb", "--db", db_url).exit_code == 2
    finally:
        server.stop()


def test_daily_digest_waits_a_day(
        sqlite_url: str, tmp_path: Path, receivers: tuple[SmtpServer, WebhookReceiver],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import create_engine, text

    db_url = sqlite_url
    smtp, _ = receivers
    server, registry = serve_portals(tmp_path, sites=1, articles=5, documents=2, seed=7)
    env = {"CONGDOAN_SMTP_HOST": "127.0.0.1", "CONGDOAN_SMTP_PORT": str(smtp.port)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)  # for `alerts --deliver`, run in this process

    def crawl() -> None:
        result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db", db_url,
                              *FAST, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr[-2000:]

    try:
        assert cli("watch", "add", "ngay", "--kind", "article", "--email", "c@example.vn",
                   "--digest", "daily", "--db", db_url).exit_code == 0
        crawl()
        assert len(smtp.mailbox.messages) == 1  # the first digest goes out at once
        server.portal(server.site_ids()[0]).add_articles(2)
        crawl()
        assert len(smtp.mailbox.messages) == 1  # within the day: the new ones wait
        pending = json.loads(cli("alerts", "--json", "--db", db_url).stdout)
        assert sorted(r["status"] for r in pending).count("pending") == 2
        # A day passes (the last message's time moved back 25 hours).
        engine = create_engine(db_url)
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE deliveries SET sent_at = :t WHERE sent_at IS NOT NULL"),
                {"t": datetime.now(UTC) - timedelta(hours=25)})
        engine.dispose()
        delivered = cli("alerts", "--deliver", "--db", db_url)
        assert delivered.exit_code == 0, delivered.output
        assert len(smtp.mailbox.messages) == 2
        served = [a["canonical_url"] for a in server.truth(server.site_ids()[0])["articles"]]
        assert Counter(smtp.mailbox.urls()) == Counter(served)
    finally:
        server.stop()


def test_the_webhook_timeout_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from congdoan.alerts import webhook

    monkeypatch.delenv("CONGDOAN_WEBHOOK_TIMEOUT", raising=False)
    assert webhook.request_timeout() == webhook.TIMEOUT
    monkeypatch.setenv("CONGDOAN_WEBHOOK_TIMEOUT", "45")
    assert webhook.request_timeout() == 45.0
    for bad in ("soon", "0", "-3", "99999"):
        monkeypatch.setenv("CONGDOAN_WEBHOOK_TIMEOUT", bad)
        with pytest.raises(ValueError, match="CONGDOAN_WEBHOOK_TIMEOUT"):
            webhook.request_timeout()
