"""Scrapy items: the records a spider yields, built from the declared contract.

The fields themselves (who fills them, where they are stored and exported)
are declared once in ``congdoan.items.contract``; these classes only give Scrapy
its ``Item`` types, so a field added there is a field here.
"""

from __future__ import annotations

import scrapy

from congdoan.items.contract import Kind, field_names


def _item_class(name: str, kind: Kind, doc: str) -> type[scrapy.Item]:
    attrs: dict[str, object] = {name: scrapy.Field() for name in field_names(kind)}
    attrs["__doc__"] = doc
    attrs["__module__"] = __name__
    return type(name, (scrapy.Item,), attrs)


ArticleItem = _item_class("ArticleItem", "article", "A news article (tin bài).")
DocumentItem = _item_class("DocumentItem", "document",
                           "A legal document (văn bản) from the laws module.")
ITEM_CLASSES: dict[Kind, type[scrapy.Item]] = {"article": ArticleItem, "document": DocumentItem}
