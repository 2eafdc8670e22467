"""The one exception a stage raises to refuse a page.

A rejection is not a crash: the archive records it (url, stage, reason, detail) so that
nothing fetched is silently lost, and the crawl goes on.
"""


class Rejected(Exception):
    """A page refused by a stage.

    stage:  where it was refused: "fetch", "decode", "extract", "dedupe", "classify", "archive".
    reason: a short stable code for facets and counts, e.g. "http_404", "not_text", "empty_body".
    detail: one human sentence saying why, for the person reading the rejections table.
    """

    def __init__(self, stage: str, reason: str, detail: str = ""):
        super().__init__(f"{stage}: {reason}" + (f" ({detail})" if detail else ""))
        self.stage = stage
        self.reason = reason
        self.detail = detail
