"""The archive's one clock: ISO 8601 timestamps in China Standard Time (+08:00), the zone the
news is published in, so a day in `published_at`, `fetched_at` and `runs` is the same day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8))


def now_iso() -> str:
    return datetime.now(SHANGHAI).isoformat(timespec="seconds")
