"""Scrapy's downloader with a site's `concurrency` kept (the seeds' politeness setting).

Scrapy 2.19's `Downloader._process_queue` takes requests from a download slot's queue while
`slot.free_transfer_slots() > 0`, starting each as a coroutine that adds its request to
`slot.transferring` only when it first runs, after the loop. With no download delay the slot
stays "free" until its queue is empty: a site whose seeds say `concurrency = 1` got 5-7
requests at once (measured on loopback, tests/test_politeness.py). Here a request counts as
transferring from the moment it leaves the queue, so the limit holds.

The override copies Scrapy's loop (a private method); `pipelines.compat` refuses to start
under another Scrapy series until it is re-checked.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader as ScrapyDownloader
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro

from pipelines import compat


class Downloader(ScrapyDownloader):
    def __init__(self, crawler):
        compat.check("scrapy", "crawler/downloader.py Downloader._process_queue (Scrapy's slot loop)")
        super().__init__(crawler)

    def _process_queue(self, slot) -> None:
        if slot.latercall:
            return  # a delayed call will process the queue
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # the fix: taken now, not when the coroutine first runs
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:  # one request per delay
                self._process_queue(slot)
                break
