"""Two crawls ending at once on two workers send the shared outbox once, not twice.

Found by the soak (``bench.soak``): every crawl sends the outbox when it ends,
and two crawls of different sites ending together on PostgreSQL both read the
same pending group and both sent it. Real processes here: ``congdoan alerts
--deliver`` twice on the real PostgreSQL, the first held mid-send by a
webhook receiver that does not answer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.alerts.receivers import WebhookReceiver
from tests.conftest import PgSchemas, serve_portals
from tests.crawling import FAST, run_congdoan
from tests.queueing import wait_for

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def _deliver(db: str, workdir: Path) -> subprocess.Popen[str]:
    # The first sender's request hangs until the second sender has ended: on a loaded
    # machine that can take longer than the default 10 s, whose retries would hang too.
    return subprocess.Popen([sys.executable, "-m", "congdoan", "alerts", "--deliver",
                             "--db", db], cwd=workdir,
                            env={**os.environ, "CONGDOAN_WEBHOOK_TIMEOUT": "120"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_senders_at_once_send_each_alert_once(pg_schemas: PgSchemas, tmp_path: Path
                                                  ) -> None:
    db = pg_schemas.new_url()
    server, registry = serve_portals(tmp_path, sites=1, articles=6, documents=2)
    with WebhookReceiver() as hook:
        added = run_congdoan("watch", "add", "tin-bai", "--kind", "article", "--webhook",
                             hook.url, "--db", db, cwd=tmp_path)
        assert added.returncode == 0, added.stderr
        hook.secret = added.stdout.split("(shown once): ")[1].split()[0]
        hook.mode = "fail"  # the crawl's own delivery fails: the alerts wait in the outbox
        try:
            crawled = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db", db,
                                   "--quiet", *FAST, cwd=tmp_path)
        finally:
            server.stop()
        assert crawled.returncode == 0, crawled.stderr[-2000:]
        assert hook.accepted == []
        hook.mode = "hang"
        first = _deliver(db, tmp_path)
        try:
            assert hook.hanging.wait(60), "the first sender never posted"
            # The group is the first sender's: the second finds nothing due and ends.
            second = _deliver(db, tmp_path)
            wait_for(lambda: second.poll() is not None, "the second sender to end", 60)
            hook.mode = "ok"  # the first sender's retry is answered
            hook.release.set()
            first.wait(timeout=60)
        finally:
            for sender in (first, second):
                if sender.poll() is None:
                    sender.kill()
                    sender.wait()
    assert first.returncode == 0, first.stdout.read()
    # (It exits 1: the listing it prints shows the group as failed, until the first sends it.)
    assert "delivered 0, failed 0" in second.stdout.read()
    ids = [int(i) for post in hook.accepted for i in post["delivery"].split(",")]
    assert len(ids) == 6 and Counter(ids).most_common(1)[0][1] == 1, hook.accepted
