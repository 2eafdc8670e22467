"""The last step of the crawl's chain: where a processed page goes.

The crawl's item pipeline (`crawler.pipelines.ArchivePipeline`) fetches, hands the page to the
worker pool (`pipelines.pool`), and gives each `Processed` that comes back to its sink. In the
normal, single-machine mode the sink is `ArchiveSink`: `Archive.store` in the crawl's own process,
the archive's single writer, one transaction per page. A distributed mode can put another sink
here (push the `Processed` — plain, picklable data — to a queue that one separate writer reads)
without touching fetching or processing.

A sink answers with the page's `Outcome`, or None when the page was handed on to be stored
elsewhere (then the crawl cannot export the stored article and drops it from feed exports).
"""

from __future__ import annotations

from typing import Protocol

from pipelines.kinds import Outcome
from pipelines.stages import Processed


class Sink(Protocol):
    def put(self, processed: Processed) -> Outcome | None:
        """Store (or hand on) one processed page; archive problems raise sqlite3.Error/OSError."""


class ArchiveSink:
    """Store each processed page in the local archive, in the run `run_id`."""

    def __init__(self, archive, run_id: int | None):
        self.archive, self.run_id = archive, run_id

    def put(self, processed: Processed) -> Outcome:
        return self.archive.store(processed, self.run_id)
