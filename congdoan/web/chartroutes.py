"""The charts as SVG images: a portal's items per month, a search's volume by year, a document's
rollout and a story's spread. Each page that shows one links the table of the same figures."""

# No `from __future__ import annotations`: FastAPI reads the Depends aliases at runtime.

from fastapi import APIRouter
from fastapi.responses import Response

from congdoan.storage.facets import facet_counts
from congdoan.storage.stories import spread
from congdoan.web import views
from congdoan.web.charts import bar_chart, spread_chart
from congdoan.web.params import Db, RowId, Search, found
from congdoan.web.security import SVG_HEADERS

router = APIRouter(include_in_schema=False)


def _svg(body: bytes) -> Response:
    return Response(body, media_type="image/svg+xml", headers=SVG_HEADERS)


@router.get("/charts/sites/{site_id}.svg")
def site_chart(db: Db, site_id: str) -> Response:
    """Items per month of one portal (stacked: articles, documents)."""
    site = found(views.site_view(db, site_id), "Không có trang này")
    months = [row["month"] for row in site["monthly"]]
    series = {name: [row[name] for row in site["monthly"]] for name in views.MONTHLY_SERIES}
    total = {name: sum(values) for name, values in series.items()}
    desc = (f"{total['Tin bài']} tin bài và {total['Văn bản']} văn bản của {site['id']}, "
            f"theo tháng, từ {months[0] if months else '—'} đến {months[-1] if months else '—'}.")
    return _svg(bar_chart(f"Số mục mỗi tháng: {site['name'] or site['id']}", desc,
                          months, series))


@router.get("/charts/search.svg")
def search_chart(db: Db, params: Search) -> Response:
    """How many results of a search fall in each year."""
    years = sorted(facet_counts(db, params.filters).get("year", []))
    labels = [year for year, _ in years]
    counts = [count for _, count in years]
    what = f"«{params.filters.q}»" if params.filters.q else "mọi mục"
    desc = "; ".join(f"{y}: {c}" for y, c in years) or "không có kết quả"
    return _svg(bar_chart(f"Số kết quả theo năm: {what}", desc, labels, {"Kết quả": counts}))


@router.get("/charts/documents/{document_id}.svg")
def rollout_chart(db: Db, document_id: RowId) -> Response:
    """When each portal first posted or cited a document: units reached over time."""
    document = found(views.document_view(db, document_id), "Không có văn bản này")
    reached = [row for row in document["rollout"] if row["first"]]
    name = document["code"] or document["title"][:60]
    desc = (f"{len(reached)} trên {len(document['rollout'])} đơn vị đã đăng hoặc nhắc đến "
            f"{name}: " + "; ".join(f"{r['name'] or r['site']} {r['first']:%d/%m/%Y}"
                                    for r in reached))
    return _svg(spread_chart(f"Triển khai {name} theo thời gian", desc,
                             [r["first"] for r in reached], len(document["rollout"])))


@router.get("/charts/stories/{story_id}.svg")
def story_chart(db: Db, story_id: RowId) -> Response:
    """How a story reached portals over time."""
    rows = found(spread(db, story_id) or None, "Không có câu chuyện này")
    desc = (f"{len(rows)} cổng đăng tin này: " + "; ".join(
        f"{s['site_name'] or s['site']} {s['when']:%d/%m/%Y %H:%M}" for s in rows))
    return _svg(spread_chart("Tin lan qua các cổng theo thời gian", desc,
                             [s["when"] for s in rows], series="Số cổng đã đăng"))


__all__ = ["router"]
