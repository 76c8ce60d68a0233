"""The two kinds of record congdoan stores: news articles and legal documents."""

from __future__ import annotations

from typing import Literal

Kind = Literal["article", "document"]
KINDS: tuple[Kind, ...] = ("article", "document")
