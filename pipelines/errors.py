"""How a stage refuses a page: the `Rejected` exception, and the `Rejection` record it becomes.

A rejection is not a crash: the archive records it (url, stage, reason, detail) so that
nothing fetched is silently lost, and the crawl goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.kinds import Stage


@dataclass(frozen=True)
class Rejection:
    """Why a page did not become an article.

    stage:  where it was refused (`pipelines.kinds.Stage`).
    reason: a short stable code for facets and counts, e.g. "http_404", "not_text", "empty_body".
    detail: one human sentence saying why, for the person reading the rejections table.
    """

    stage: str
    reason: str
    detail: str = ""

    def to_row(self) -> dict:
        """The columns of a `rejections` row that describe the refusal."""
        return {"stage": str(self.stage), "reason": self.reason, "detail": self.detail or ""}

    @classmethod
    def coerce(cls, value: "Rejection | dict | None") -> "Rejection | None":
        """A Rejection from itself or from its `to_row()` form (what `dataclasses.asdict` of an
        item makes of it)."""
        if value is None or isinstance(value, cls):
            return value
        return cls(value["stage"], value["reason"], value.get("detail") or "")


class Rejected(Exception):
    """A page refused by a stage; `rejection` is what the archive records."""

    def __init__(self, stage: str, reason: str, detail: str = ""):
        super().__init__(f"{stage}: {reason}" + (f" ({detail})" if detail else ""))
        self.rejection = Rejection(Stage(stage), reason, detail)

    @property
    def stage(self) -> str:
        return self.rejection.stage

    @property
    def reason(self) -> str:
        return self.rejection.reason

    @property
    def detail(self) -> str:
        return self.rejection.detail
