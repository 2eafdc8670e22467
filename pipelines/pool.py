"""The CPU stages on every core: a pool of worker processes that run `stages.process_page`.

Extraction, classification, dedupe keys and search segmentation take tens of milliseconds of
CPU a page; on the crawl's reactor thread they kept one core at 100 % and the others idle. Here
they run in `workers` processes (pebble's `ProcessPool`: started once, each worker warmed up
once, a worker that dies or outlives `timeout` on one page is killed and replaced by pebble),
while the caller — the crawl's item pipeline, `jianfu reprocess` — only writes the results.

What crosses the process boundary is plain data: the page dict (bytes, strings, a headers dict)
and the site's frozen `Site` dataclass going in, a `Processed` (article dict, verdict dict,
`DedupeKeys` with their band keys already computed, segmented search text) coming back, without
the raw page (the caller has it and puts it back). No Scrapy objects.

A page whose worker died or hung becomes a `Processed` with a `process/worker_died` or
`process/worker_timeout` rejection, and one on which a stage raised (a bug) a
`process/stage_error` rejection with the exception, so the archive records it (its raw bytes kept, like any
rejected page) and the crawl goes on.

`workers=0` runs the stages in the calling process (the old way: for debugging with pdb, and
for the single-core benchmark).
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import os
import sys
import time
from typing import TYPE_CHECKING

from pipelines import stages
from pipelines.errors import Rejection
from pipelines.kinds import RequestKind, Stage
from pipelines.stages import Processed

if TYPE_CHECKING:
    from crawler.sites import Site

# A page's CPU stages take at most ~10 s on this busy 2-core machine for the worst page the
# per-page bounds let through (pipelines/bounds.py: 3,000 short blocks extract in ~5 s, a
# 100,000-character text classifies, segments and indexes in ~4 s); real pages take 20-60 ms.
# Six times that worst case: a worker still busy after a minute is stuck, not slow.
PAGE_TIMEOUT = 60.0


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# ------------------------------------------------------------------------------ in the worker

_FAULTS: dict = {}


def _warm_up(faults: dict | None = None) -> None:
    """Worker initialiser: load jieba's dictionary, the classifier, the gazetteer once, so the
    first page of each worker is not charged a second of loading (and cannot time out on it).
    `faults` is the test-only hook (`STAGE_TEST_FAULTS`): URL substrings that make this worker
    exit, hang or raise, to prove a dead or stuck worker or a stage's bug becomes a rejection."""
    _FAULTS.clear()
    _FAULTS.update(faults or {})
    if _FAULTS.get("start"):
        raise ImportError(_FAULTS["start"])  # a worker that cannot start (test fault)
    stages.warm_up()


def _ping() -> bool:
    return True


def _work(page: dict, site: "Site | None") -> Processed:
    """Run in a worker: the whole chain over one page, returned without the raw page."""
    url = page.get("url") or ""
    if _FAULTS.get("exit") and _FAULTS["exit"] in url:
        os._exit(3)
    if _FAULTS.get("hang") and _FAULTS["hang"] in url:
        print(f"STAGE_TEST_FAULTS: a worker hangs on {url}", file=sys.stderr, flush=True)  # tests wait for it
        time.sleep(3600)
    if _FAULTS.get("raise") and _FAULTS["raise"] in url:
        raise RuntimeError("a stage's bug (test fault)")
    processed = stages.process_page(page, site)
    processed.page = None  # the caller holds it: do not send 30 KB back through the pipe
    return processed


# ------------------------------------------------------------------------------ in the caller

class StageWorkersUnavailable(RuntimeError):
    """The worker processes could not start (`StagePool` checks one at start)."""


def needs_work(page: dict) -> bool:
    """Pages with nothing to extract (a failed navigation fetch, a page refused before the
    fetch, an HTTP error) are decided in microseconds: not worth a trip to a worker."""
    if (page.get("kind") or RequestKind.ARTICLE) == RequestKind.NAVIGATION or page.get("rejection"):
        return False
    status = page.get("status") or 0
    return 0 < status < 400


class StagePool:
    """`submit(page, site)` -> a `concurrent.futures.Future` of the page's `Processed`, which
    never fails: a worker that died, hung or raised yields a rejection instead."""

    def __init__(self, workers: int | None = None, timeout: float | None = PAGE_TIMEOUT,
                 faults: dict | None = None):
        self.workers = default_workers() if workers is None else int(workers)
        self.timeout = timeout if timeout and timeout > 0 else None
        self._pool = None
        if self.workers > 0:
            from pebble import ProcessPool

            # spawn, not fork: the crawl's process has a reactor and threads running
            self._pool = ProcessPool(max_workers=self.workers, initializer=_warm_up, initargs=(faults,),
                                     context=multiprocessing.get_context("spawn"))
            self._check_started()
        else:
            stages.warm_up()

    def _check_started(self) -> None:
        """Wait for one worker to start and answer. A worker that cannot even start (a package
        missing from this environment, a broken install) fails every page the same way: say so
        once, now, instead of turning each page into a rejection or leaving the crawl waiting."""
        try:
            self._pool.schedule(_ping, timeout=self.timeout).result()
        except Exception as exc:
            self._pool.stop()
            self._pool.join()
            self._pool = None
            raise StageWorkersUnavailable(
                f"the processing workers could not start ({type(exc).__name__}: {exc}; a worker's own error is "
                f"printed above it); run `make install`, or -s STAGE_WORKERS=0 to meet the error in this process") from exc

    def submit(self, page: dict, site: "Site | None" = None) -> concurrent.futures.Future:
        if self._pool is None or not needs_work(page):
            done: concurrent.futures.Future = concurrent.futures.Future()
            try:
                done.set_result(stages.process_page(page, site))
            except Exception as exc:  # a stage's bug: the same rejection as in a worker
                done.set_result(self._stage_error(page, exc))
            return done
        task = self._pool.schedule(_work, args=(page, site), timeout=self.timeout)
        result: concurrent.futures.Future = concurrent.futures.Future()

        def settle(f: concurrent.futures.Future) -> None:
            result.set_result(self._outcome(page, f))

        task.add_done_callback(settle)
        return result

    def _outcome(self, page: dict, task: concurrent.futures.Future) -> Processed:
        """The worker's `Processed` with its page put back, or the rejection its failure is."""
        from pebble import ProcessExpired

        kind = RequestKind(page.get("kind") or RequestKind.ARTICLE)
        try:
            processed = task.result()
        except concurrent.futures.TimeoutError:
            return Processed(page, kind=kind, rejection=Rejection(
                Stage.PROCESS, "worker_timeout",
                f"the processing stages ran past {self.timeout:g} s; the worker was stopped and replaced"))
        except ProcessExpired as exc:
            return Processed(page, kind=kind, rejection=Rejection(
                Stage.PROCESS, "worker_died", f"the worker processing this page died (exit code {exc.exitcode})"))
        except concurrent.futures.CancelledError:
            return Processed(page, kind=kind, rejection=Rejection(
                Stage.PROCESS, "cancelled", "the pool was stopped before this page was processed"))
        except Exception as exc:  # a stage's bug, or an unpicklable value: recorded, never a stalled crawl
            return self._stage_error(page, exc)
        processed.page = page
        return processed

    @staticmethod
    def _stage_error(page: dict, exc: Exception) -> Processed:
        """A stage raised instead of returning a rejection: a bug, recorded with the page."""
        return Processed(page, kind=RequestKind(page.get("kind") or RequestKind.ARTICLE), rejection=Rejection(
            Stage.PROCESS, "stage_error", f"{type(exc).__name__}: {exc}"[:500]))

    def map(self, items, sites: dict, window: int | None = None):
        """(tag, Processed) for each (tag, page) of an iterable, in order, with at most `window`
        pages in flight (default: 4 per worker), so memory stays flat over any number of pages.
        `tag` stays in this process (whatever the caller needs to handle the result)."""
        window = window or max(1, 4 * max(self.workers, 1))
        pending: collections.deque = collections.deque()
        for tag, page in items:
            pending.append((tag, self.submit(page, sites.get(page.get("site")))))
            if len(pending) >= window:
                tag, fut = pending.popleft()
                yield tag, fut.result()
        while pending:
            tag, fut = pending.popleft()
            yield tag, fut.result()

    def close(self, wait: bool = True) -> None:
        """Let the workers finish what they were given (`wait`), or stop them now."""
        if self._pool is None:
            return
        if wait:
            self._pool.close()
        else:
            self._pool.stop()
        self._pool.join()
        self._pool = None

    def __enter__(self) -> "StagePool":
        return self

    def __exit__(self, *exc) -> None:
        self.close(wait=exc[0] is None)
