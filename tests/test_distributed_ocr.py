"""Two ``congdoan worker`` processes on the real Redis and PostgreSQL; one is SIGKILLed mid-job.

Nothing is lost (every queued file ends up read, the killed job included:
late acks, and the dead worker's jobs go back on the queue when its heartbeat
stops) and nothing is duplicated (one reading per file, one set of pages).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from congdoan.sim.scans import build_scanned_pdf
from congdoan.storage.db import make_engine, session_factory, upgrade
from congdoan.storage.documents import upsert_document
from congdoan.storage.models import Attachment, FilePage, FileText
from tests.crawling import run_congdoan
from tests.queueing import queue_env, redis_or_fail, wait_for
from tests.storage.conftest import document_record

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

FILES = 3


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "congdoan", "worker"], env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


@pytest.mark.postgres
def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(
        pg_schemas, tmp_path: Path) -> None:
    redis_or_fail()
    db = pg_schemas.new_url()
    upgrade(db)
    engine = make_engine(db)
    sessions = session_factory(engine)
    files = tmp_path / "files"
    attachments = []
    for index in range(FILES):
        # Full-width pages of ~2 s of OCR each: long enough to be killed in the middle.
        lines = tuple(f"Dòng {n} của văn bản số {index}: báo cáo kết quả công tác công đoàn"
                      for n in range(12))
        sha = f"{index:02d}" * 32
        (files / sha[:2]).mkdir(parents=True, exist_ok=True)
        (files / sha[:2] / f"{sha}.pdf").write_bytes(build_scanned_pdf(lines, width_px=2000))
        attachments.append({"url": f"https://ldld.dienbien.gov.vn/uploads/{index}.pdf",
                            "name": f"{index}.pdf", "stored_path": f"{sha[:2]}/{sha}.pdf",
                            "sha256": sha, "media_type": "application/pdf", "size": 1,
                            "text": None})
    with sessions() as session:
        upsert_document(session, document_record(attachments=attachments))
        session.commit()

    env = queue_env()
    queued = run_congdoan("ocr", "--pending", "--queue", "--db", db, "--files", str(files),
                          cwd=tmp_path, env=env)
    assert queued.returncode == 0, queued.stderr
    assert f"queued {FILES} file(s)" in queued.stdout

    def stored() -> set[str]:
        with sessions() as session:
            return set(session.scalars(select(FileText.sha256)))

    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    worker_a = _start_worker(env, log_a)
    worker_b = _start_worker(env, log_b)
    try:
        wait_for(lambda: "reading " in log_a.read_text(errors="replace"), "worker A to start")
        killed_job = log_a.read_text().split("reading ", 1)[1].split()[0]
        os.killpg(worker_a.pid, signal.SIGKILL)
        worker_a.wait(timeout=30)
        assert killed_job not in stored()  # it really died in the middle of that job

        wait_for(lambda: len(stored()) == FILES, "every file to be read")
    finally:
        for worker in (worker_a, worker_b):
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
    log_b_text = log_b.read_text()
    assert f"stored {killed_job} ok" in log_b_text  # B took over A's job
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(FileText)) == FILES
        assert session.scalar(select(func.count()).select_from(FilePage)) == FILES  # 1 page each
        statuses = set(session.scalars(select(FileText.status)))
        texts = session.scalars(select(Attachment.text)).all()
    engine.dispose()
    assert statuses == {"ok"}
    assert all(t and "báo cáo kết quả công tác công đoàn" in t for t in texts)
