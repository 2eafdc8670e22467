"""Custom `scrapy check` contracts for the news spider's callbacks (docstrings in spiders/news.py).

- `@demo_url PATH`: the request goes to PATH on the demo web, `DEMO_WEB` (default
  http://127.0.0.1:8765, `make demo-web`; the tests pass `-s DEMO_WEB=…` for their own port).
- `@article`: every item the callback returns is a page the extractor reads as an article:
  a title, a body, a date (the same `extract_page` the crawl runs).
"""

from __future__ import annotations

from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail

from pipelines.errors import Rejected
from pipelines.extract import extract_page

DEFAULT_DEMO_WEB = "http://127.0.0.1:8765"


class DemoUrlContract(Contract):
    name = "demo_url"

    def __init__(self, method, *args):
        super().__init__(method, *args)
        self.spider = method.__self__

    def adjust_request_args(self, args):
        base = self.spider.settings.get("DEMO_WEB") or DEFAULT_DEMO_WEB
        args["url"] = base.rstrip("/") + self.args[0]
        return args


class ArticleContract(Contract):
    name = "article"

    def post_process(self, output):
        items = [o for o in output if hasattr(o, "body") and hasattr(o, "site")]
        if not items:
            raise ContractFail("no page item returned")
        for item in items:
            if item.status != 200:
                raise ContractFail(f"{item.url}: HTTP {item.status}")
            try:
                article = extract_page(item.body, item.url, content_type=item.headers.get("content-type"))
            except Rejected as exc:
                raise ContractFail(f"{item.url}: rejected ({exc.stage}/{exc.reason})") from None
            missing = [k for k in ("title", "body", "date") if not article.get(k)]
            if missing:
                raise ContractFail(f"{item.url}: no {', '.join(missing)} extracted")
