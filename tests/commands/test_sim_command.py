"""``congdoan sim``: NukeViet and WordPress portals served side by side, and the registry it
writes names each with its CMS and URL style, ready for ``congdoan crawl``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from congdoan.registry import load_registry

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def _free_ports(n: int) -> int:
    """A first port with ``n`` free consecutive ports after it (best effort)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + n >= 65535:
            continue
        try:
            sockets = []
            for port in range(first, first + n):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free consecutive ports")


def _status(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_sim_serves_wordpress_portals_and_writes_their_registry(tmp_path: Path) -> None:
    port = _free_ports(4)
    registry = tmp_path / "sim.toml"
    process = subprocess.Popen(
        [sys.executable, "-m", "congdoan", "sim", "--sites", "1", "--wordpress", "3",
         "--articles", "8", "--documents", "2", "--port", str(port),
         "--registry-out", str(registry)],
        cwd=tmp_path, env={**os.environ, "COLUMNS": "200"}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not registry.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert registry.exists(), process.stderr.read() if process.poll() is not None else ""
        sites = {s.id: s for s in load_registry(registry).sites}
        assert {sid: (s.cms, s.url_style) for sid, s in sites.items()} == {
            "sim1": ("nukeviet", "rewrite"), "wp1": ("wordpress", "rewrite"),
            "wp2": ("wordpress", "rewrite"), "wp3": ("wordpress", "query")}
        assert sites["wp1"].base_url == f"http://127.0.0.1:{port + 1}"
        status, body = _status(sites["wp1"].base_url + "/wp-json/wp/v2/posts?per_page=100")
        assert status == 200 and len(json.loads(body)) == 8
        status, body = _status(sites["wp2"].base_url + "/wp-json/wp/v2/posts")
        assert status == 401 and json.loads(body)["code"] == "rest_login_required"
        status, body = _status(sites["wp3"].base_url + "/?rest_route=/wp/v2/posts")
        assert status == 200 and len(json.loads(body)) == 8
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_listings_empty_also_empties_wordpress_listings(tmp_path: Path) -> None:
    """``--listings-empty`` shows spider health's zero-item rule on every family: the
    WordPress portal's REST API lists no post, its posts still answer."""
    port = _free_ports(2)
    registry = tmp_path / "sim.toml"
    process = subprocess.Popen(
        [sys.executable, "-m", "congdoan", "sim", "--sites", "1", "--wordpress", "1",
         "--articles", "6", "--documents", "2", "--port", str(port), "--listings-empty",
         "--registry-out", str(registry)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not registry.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert registry.exists(), process.stderr.read() if process.poll() is not None else ""
        wp = next(s for s in load_registry(registry).sites if s.id == "wp1")
        status, body = _status(wp.base_url + "/wp-json/wp/v2/posts?per_page=100")
        assert status == 200 and json.loads(body) == []
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
