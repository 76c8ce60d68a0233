"""Where alerts go out: SMTP settings from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

TlsMode = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpSettings:
    """``CONGDOAN_SMTP_HOST`` (localhost), ``_PORT`` (25), ``_TLS`` (none|starttls|ssl),
    ``_USER``, ``_PASSWORD``, ``_FROM`` (congdoan@localhost), ``_TIMEOUT`` (20 s)."""

    host: str = "localhost"
    port: int = 25
    tls: TlsMode = "none"
    user: str | None = None
    password: str | None = None
    sender: str = "congdoan@localhost"
    timeout: float = 20.0

    @classmethod
    def from_env(cls) -> SmtpSettings:
        """Settings from ``CONGDOAN_SMTP_*``; raises ``ValueError`` naming a bad value."""
        env = os.environ
        tls = env.get("CONGDOAN_SMTP_TLS", "none").strip().lower()
        if tls not in ("none", "starttls", "ssl"):
            raise ValueError(f"CONGDOAN_SMTP_TLS must be none, starttls or ssl, got {tls!r}")
        port_text = env.get("CONGDOAN_SMTP_PORT", "465" if tls == "ssl" else "25")
        if not port_text.isdigit():
            raise ValueError(f"CONGDOAN_SMTP_PORT must be a number, got {port_text!r}")
        return cls(host=env.get("CONGDOAN_SMTP_HOST", "localhost"), port=int(port_text),
                   tls=tls,  # type: ignore[arg-type]
                   user=env.get("CONGDOAN_SMTP_USER") or None,
                   password=env.get("CONGDOAN_SMTP_PASSWORD") or None,
                   sender=env.get("CONGDOAN_SMTP_FROM", "congdoan@localhost"),
                   timeout=float(env.get("CONGDOAN_SMTP_TIMEOUT", "20")))
