"""A crawl process's pipelines import itemadapter without pydantic (7.3 MB it never uses)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# A fresh Python child: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

_PROBE = """
import sys
import congdoan.pipelines.attachments, congdoan.pipelines.store
from itemadapter import ItemAdapter
from congdoan.items import ArticleItem
print("pydantic" in sys.modules)
print(ItemAdapter(ArticleItem(title="t")).get("title"), ItemAdapter({"a": 1})["a"])
import pydantic
print(pydantic.BaseModel.__name__)
"""


def test_the_pipelines_leave_pydantic_out_and_items_adaptable() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split("\n")[:3] == ["False", "t 1", "BaseModel"]
