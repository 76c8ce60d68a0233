"""Real receivers for alerts: an SMTP server (aiosmtpd) and an HTTP webhook endpoint that
checks the HMAC-SHA256 signature, both on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.web.live import free_port


class Mailbox:
    """Messages an aiosmtpd server accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def urls(self) -> list[str]:
        """Every item link in every message body, in order."""
        out = []
        for msg in self.messages:
            body = msg.get_body(preferencelist=("plain",)).get_content()
            out += [line.strip() for line in body.splitlines() if line.startswith("   http")]
        return out


class SmtpServer:
    """aiosmtpd on a free local port."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()


class WebhookReceiver:
    """Accepts signed POSTs; ``mode`` is ``ok``, ``fail`` (HTTP 500) or ``hang`` (never
    answers until released). Only answered-2xx deliveries count as received."""

    def __init__(self) -> None:
        self.secret = ""
        self.mode = "ok"
        self.accepted: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.requests = 0
        self.hanging = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests += 1
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body,
                                                hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get(
                        "X-Congdoan-Signature", "")):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                if receiver.mode == "hang":
                    receiver.hanging.set()
                    receiver.release.wait(60)
                    return
                if receiver.mode == "fail":
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.accepted.append({"delivery": self.headers["X-Congdoan-Delivery"],
                                          **json.loads(body)})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def urls(self) -> list[str]:
        """Every item URL in every accepted POST, in order."""
        return [item["url"] for post in self.accepted for item in post["items"]]

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
