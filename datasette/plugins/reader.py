"""Datasette plugin: the archive as its readers use it (templates in datasette/templates/).

- the article page (`row-archive-articles.html`) gets `article` from `pipelines.reading`:
  paragraphs, 是/否 label, marked evidence, site display name, the story's other reprints;
- `/-/original/<database>/<id>` serves the archived raw page sanitised, with a
  Content-Security-Policy that forbids scripts and outside resources (the article page frames
  it in an <iframe sandbox> without allow-scripts);
- the articles table (`table-archive-articles.html`) gets the helpers of its reading view:
  a highlighted snippet around the matched words, site display names, Chinese column names;
- cells: is_burden_reduction as 是/否, `snippet` columns (already escaped HTML with <mark>),
  article ids and titles of canned queries linked to the article page;
- CSV downloads start with a UTF-8 BOM, so Excel on Chinese Windows reads them as UTF-8.
"""

from __future__ import annotations

import json

import markupsafe
from datasette import hookimpl
from datasette.utils.asgi import Response

from pipelines import reading
from pipelines.search import snippet

TABLE = "articles"
# Column names as the interface shows them (English kept beside them where it helps).
LABELS = {
    "id": "编号", "title": "标题", "published_at": "发布时间", "month": "月份", "site": "站点",
    "outlet": "来源", "author": "作者", "is_burden_reduction": "基层减负", "br_score": "得分",
    "topics": "专题", "regions": "地区", "snippet": "摘要", "url": "网址", "canonical_url": "规范网址",
    "original_url": "原文链接", "body": "正文", "story_id": "报道", "body_hash": "正文哈希",
    "evidence": "判定依据", "extractor_version": "抽取版本", "classifier_version": "分类版本",
    "page_id": "原始页面", "first_seen_run": "首次抓取", "fetched_at": "抓取时间",
    "size": "转载数", "sites": "站点", "outlets": "来源", "source_outlet": "首发来源",
    "first_published": "首次发布", "last_published": "最后发布", "stage": "环节", "reason": "原因",
    "run_id": "抓取批次", "kind": "类型", "finish_reason": "结束原因", "exit_code": "退出码",
    "alert": "告警", "name": "名称", "display_name": "显示名称", "region": "地区",
}


def _site_names(conn) -> dict:
    try:
        return dict(conn.execute("SELECT name, display_name FROM sites").fetchall())
    except Exception:  # an archive without a sites table: slugs stay slugs
        return {}


def _list(value) -> list:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return items if isinstance(items, list) else []


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def inner():
        out = {"labels": LABELS, "label_text": reading.label_text}
        if table != TABLE or database is None:
            return out
        db = datasette.get_database(database)
        if view_name == "row":
            pk = request.url_vars.get("pks")
            claim = request.args.get("claim")
            out["article"] = await db.execute_fn(lambda conn: reading.article_view(conn, pk, claim))
            out["direction_text"] = reading.DIRECTION_TEXT
        elif view_name == "table":
            out["site_names"] = await db.execute_fn(_site_names)
            out["snippet"] = lambda body, q: markupsafe.Markup(snippet(body or "", q or ""))
            out["json_list"] = _list
            out["wide"] = request.args.get("_wide") == "1"
        return out
    return inner


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column == "is_burden_reduction" and value in (0, 1):
        return reading.label_text(value)
    if table is None and column == "snippet" and isinstance(value, str):
        return markupsafe.Markup(value)  # jieba_snippet() escaped the text; only <mark> is HTML
    if table is None and database and column in ("article_id", "title") and hasattr(row, "keys") \
            and "article_id" in row.keys() and row["article_id"] is not None:
        href = datasette.urls.row(database, TABLE, str(row["article_id"]))
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, value if value is not None else "-")
    return None


@hookimpl
def register_routes():
    return [(r"^/-/original/(?P<database>[^/]+)/(?P<id>\d+)$", original_page)]


async def original_page(datasette, request):
    """The archived page of one article, sanitised, under a CSP that lets nothing run or load."""
    database = request.url_vars["database"]
    try:
        db = datasette.get_database(database)
    except KeyError:
        return Response.text("没有这个数据库", status=404)
    if not await datasette.permission_allowed(request.actor, "view-table", (database, TABLE), default=True):
        return Response.text("forbidden", status=403)
    page = await db.execute_fn(lambda conn: reading.sanitized_original(conn, request.url_vars["id"]))
    if page is None:
        return Response.text("这篇文章没有存档的原始页面", status=404)
    return Response.html(page, headers={"Content-Security-Policy": reading.ORIGINAL_CSP,
                                        "X-Content-Type-Options": "nosniff",
                                        "Referrer-Policy": "no-referrer"})


BOM = b"\xef\xbb\xbf"


@hookimpl
def asgi_wrapper(datasette):
    """Prefix every CSV response (`.csv`, streamed or not) with a UTF-8 byte-order mark."""
    def wrap(app):
        async def with_bom(scope, receive, send):
            if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
                await app(scope, receive, send)
                return
            state = {"csv": False, "first": True}

            async def send_bom(message):
                if message["type"] == "http.response.start":
                    headers = dict((k.lower(), v) for k, v in message.get("headers", []))
                    ctype = headers.get(b"content-type", b"")
                    state["csv"] = message.get("status") == 200 and (
                        ctype.startswith(b"text/csv") or ctype.startswith(b"text/plain"))
                    if state["csv"] and b"content-length" in headers:
                        message = dict(message, headers=[
                            (k, str(int(v) + len(BOM)).encode() if k.lower() == b"content-length" else v)
                            for k, v in message["headers"]])
                elif message["type"] == "http.response.body" and state["csv"] and state["first"]:
                    state["first"] = False
                    message = dict(message, body=BOM + message.get("body", b""))
                await send(message)
            await app(scope, receive, send_bom)
        return with_bom
    return wrap


@hookimpl(trylast=True)
def register_output_renderer(datasette):
    """datasette-atom's `.atom`, plus a valid empty feed where it fails on no rows: a saved
    search that matches nothing yet must still be a feed a reader can subscribe to.
    (trylast: registered after datasette-atom's, so this entry is the one in force.)"""
    import datasette_atom

    def render(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
        if rows:
            return datasette_atom.render_atom(datasette, request, sql, columns, rows, database, table,
                                              query_name, view_name, data)
        from feedgen.feed import FeedGenerator
        fg = FeedGenerator()
        fg.id(request.url)
        fg.link(href=request.url, rel="self")
        fg.title(((datasette.metadata(database=database) or {}).get("queries", {}).get(query_name) or {})
                 .get("title") or "jianfu-archive")
        fg.updated("1970-01-01T00:00:00+00:00")
        return Response(fg.atom_str(pretty=True), content_type="application/xml; charset=utf-8")

    return {"extension": "atom", "render": render, "can_render": datasette_atom.can_render_atom}
