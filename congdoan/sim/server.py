"""HTTP side of the simulator: one ThreadingHTTPServer per portal, all in one process."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from congdoan.sim.content import CATEGORIES
from congdoan.sim.site import Portal, Request
from congdoan.sim.spec import PortalSpec
from congdoan.sim.wordpress import WordPressPortal, WordPressSpec

AnySpec = PortalSpec | WordPressSpec
AnyPortal = Portal | WordPressPortal


def make_portal(spec: AnySpec | AnyPortal) -> AnyPortal:
    """The simulated portal a spec describes (NukeViet or WordPress), or the portal given."""
    if isinstance(spec, Portal | WordPressPortal):
        return spec
    return WordPressPortal(spec) if isinstance(spec, WordPressSpec) else Portal(spec)


def _site_id(spec: AnySpec | AnyPortal) -> str:
    return spec.spec.site_id if isinstance(spec, Portal | WordPressPortal) else spec.site_id


@dataclass(frozen=True)
class RequestRecord:
    """One served request: method, path with query, status, response bytes, when (epoch s)."""

    method: str
    path: str
    status: int
    bytes: int
    time: float


class _PortalHandler(BaseHTTPRequestHandler):
    server_version = "Apache/2.4.71 (Debian)"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as Apache and nginx set it. Without it the body, written after the
    # headers, waited for the client's delayed ACK: 40-44 ms for every request after the
    # first on a kept-alive connection, so a crawl's pages/s measured the simulator's
    # stall (concurrency / 44 ms), not the crawler (docs/benchmarks.md, session 10).
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        server: _PortalServer = self.server  # type: ignore[assignment]
        request = Request(self.command, self.path, dict(self.headers.items()))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))  # drain a POST body; never used
        response = server.portal.handle(request)
        # Logged before sending, so a client that has the response always finds it logged.
        server.log.record(RequestRecord(self.command, self.path, response.status,
                                        len(response.body), time.time()))
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.abort_after is not None:
                self._reset(response.body[:response.abort_after])
            elif response.body:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first (a slow-response fault past its timeout).
            self.close_connection = True

    def _reset(self, partial: bytes) -> None:
        """Send ``partial`` and reset the connection (RST, not FIN): a reset mid-body."""
        self.wfile.write(partial)
        self.wfile.flush()
        # SO_LINGER on with a zero timeout makes close() abort with a RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    do_GET = do_HEAD = do_POST = _serve

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log replaces the access log."""


class _RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def record(self, item: RequestRecord) -> None:
        with self._lock:
            self._records.append(item)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


class _PortalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], portal: AnyPortal) -> None:
        super().__init__(address, _PortalHandler)
        self.portal = portal
        self.log = _RequestLog()

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (timeouts, faults) is normal here; anything else is printed."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class SimServer:
    """Serve simulated portals on 127.0.0.1, each on its own port, in background threads.

    ``base_port=0`` picks free ports; otherwise portals get base_port, base_port+1, …
    Usable as a context manager (``with SimServer([...]) as sim:``).
    """

    def __init__(self, portals: list[AnySpec] | list[AnySpec | AnyPortal],
                 host: str = "127.0.0.1", base_port: int = 0) -> None:
        ids = [_site_id(spec) for spec in portals]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate site ids in {ids}")
        self.host = host
        self.base_port = base_port
        self._specs = list(portals)
        self._servers: dict[str, _PortalServer] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> SimServer:
        """Bind every portal and start serving; returns self."""
        for index, spec in enumerate(self._specs):
            port = self.base_port + index if self.base_port else 0
            portal = make_portal(spec)
            server = _PortalServer((self.host, port), portal)
            portal.urls.base_url = f"http://{self.host}:{server.server_address[1]}"
            self._servers[_site_id(spec)] = server
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                      name=f"sim-{_site_id(spec)}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close every socket."""
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _server(self, site_id: str) -> _PortalServer:
        try:
            return self._servers[site_id]
        except KeyError:
            raise KeyError(f"no running portal {site_id!r}") from None

    def site_ids(self) -> list[str]:
        """Ids of the running portals, in spec order."""
        return list(self._servers)

    def portal(self, site_id: str) -> AnyPortal:
        """The running Portal (add_articles / add_documents / hooks)."""
        return self._server(site_id).portal

    def base_url(self, site_id: str) -> str:
        """``http://127.0.0.1:PORT`` of a portal."""
        return self.portal(site_id).urls.base_url

    def truth(self, site_id: str) -> dict:
        """Ground truth of a portal (also served at ``/_sim/truth.json``)."""
        return self.portal(site_id).truth()

    def requests(self, site_id: str) -> list[RequestRecord]:
        """Every request the portal served since start or the last clear."""
        return self._server(site_id).log.snapshot()

    def clear_requests(self, site_id: str | None = None) -> None:
        """Forget the request log of one portal, or of all."""
        for sid in [site_id] if site_id else list(self._servers):
            self._server(sid).log.clear()

    def registry_toml(self) -> str:
        """Registry entries (``[[site]]`` tables) pointing at the running portals."""
        return "\n".join(registry_entry(self.portal(sid)) for sid in self._servers)


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def registry_entry(portal: AnyPortal) -> str:
    """One ``[[site]]`` table for ``portal``."""
    if isinstance(portal, WordPressPortal):
        return portal.registry_entry()
    spec = portal.spec
    sections = ", ".join(_toml_str(c.alias) for c in CATEGORIES)
    return "\n".join([
        "[[site]]",
        f"id = {_toml_str(spec.site_id)}",
        f"province = {_toml_str(spec.province)}",
        f"name = {_toml_str(spec.site_name)}",
        f"base_url = {_toml_str(portal.urls.base_url)}",
        'cms = "nukeviet"',
        "cms_confirmed = true",
        f"url_style = {_toml_str(spec.url_style)}",
        f"lang_prefix = {'true' if spec.lang_prefix else 'false'}",
        f"news_module = {_toml_str(spec.news_module)}",
        f"news_sections = [{sections}]",
        f"laws_module = {_toml_str(spec.laws_module)}",
        "",
    ])


def run_forever(portals: list[AnySpec], host: str = "127.0.0.1", base_port: int = 8080,
                on_ready: Callable[[SimServer], None] | None = None) -> None:
    """Serve ``portals`` until interrupted (Ctrl-C); for the ``congdoan sim`` command."""
    server = SimServer(portals, host=host, base_port=base_port).start()
    try:
        if on_ready is not None:
            on_ready(server)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
