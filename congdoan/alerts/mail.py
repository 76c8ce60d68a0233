"""Alert e-mails: one readable message in Vietnamese per watch and delivery run."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate

from congdoan.alerts.settings import SmtpSettings
from congdoan.storage.models import Delivery, Watch
from congdoan.vntime import item_day, vi_date

CHANGE_LABEL = {"new": "mới", "changed": "cập nhật", "status": "đổi hiệu lực"}
KIND_LABEL = {"article": "Tin bài", "document": "Văn bản"}


def message(watch: Watch, items: Sequence[Delivery], sender: str) -> EmailMessage:
    """The e-mail for ``items`` of ``watch``; its Message-ID names the deliveries, so a
    resend after a crash is recognisable as the same message."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = watch.email or ""
    msg["Subject"] = f"[congdoan] {watch.name}: {len(items)} mục mới hoặc cập nhật"
    msg["Date"] = formatdate(localtime=False)
    ids = "-".join(str(d.id) for d in items)
    msg["Message-ID"] = f"<congdoan-{watch.id}-{ids}@congdoan.local>"
    lines = [f"Theo dõi «{watch.name}» có {len(items)} mục mới hoặc cập nhật:", ""]
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. [{KIND_LABEL.get(item.kind, item.kind)}, "
                     f"{CHANGE_LABEL.get(item.change, item.change)}] {item.title}")
        lines.append(f"   Ngày: {vi_date(item_day(item.item_date)) or 'không rõ'} · "
                     f"Trang: {item.site}")
        lines.append(f"   {item.url}")
        lines.append("")
    lines.append("Gửi bởi congdoan. Bỏ theo dõi: congdoan watch remove " + watch.name)
    msg.set_content("\n".join(lines), charset="utf-8")
    return msg


def send(settings: SmtpSettings, msg: EmailMessage) -> None:
    """Send ``msg`` through the SMTP server; raises on any failure."""
    if settings.tls == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                                timeout=settings.timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.user:
            client.login(settings.user, settings.password or "")
        client.send_message(msg)
