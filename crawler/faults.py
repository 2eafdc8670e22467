"""Requests that end without a response, each with a recorded reason.

Scrapy ends some requests quietly: a body over DOWNLOAD_MAXSIZE is cancelled, a gzip bomb is
"ignored" during decompression, a redirect loop or a 21st redirect is "ignored", a dead host
name fails DNS. Left like that, such a URL has no `pages` or `rejections` row, so the next run
downloads it again — a bomb is decompressed to the limit on every run. Here each of them gets a
typed exception and `fetch_rejection()` turns any failure into the `fetch/<reason>` rejection the
spider records (as a `pages` row with status 0, so the URL is not requested again).

A failed write to the archive is no page's fault but the run's: `stop_for_archive_problem`
stops the crawl at the first one (pipelines/archive_checks.py names the problem).

Two Scrapy middlewares are subclassed only to raise typed exceptions instead of a bare
`IgnoreRequest` whose meaning would have to be read from its message; the retry middleware so
that a server's `Retry-After` is honoured rather than answered with two immediate retries.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware as _HttpCompression
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as _Redirect
from scrapy.downloadermiddlewares.retry import RetryMiddleware as _Retry
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Request
from twisted.internet.error import DNSLookupError, TimeoutError as TxTimeoutError

from scrapy.utils.defer import deferred_from_coro

from pipelines.archive_checks import write_problem
from pipelines.errors import Rejection
from pipelines.kinds import Stage

logger = logging.getLogger(__name__)


class FetchRefused(IgnoreRequest):
    """A request this crawl ended on purpose; `reason` is the rejection's reason code."""

    reason = "refused"


class TooLarge(FetchRefused):
    reason = "too_large"


class RedirectLoop(FetchRefused):
    reason = "redirect_loop"


class TooManyRedirects(FetchRefused):
    reason = "too_many_redirects"


class PrivateAddress(FetchRefused):
    """A URL (or a redirect) that points at a private or loopback address the seeds did not name."""

    reason = "private_address"


class RobotsDisallowed(FetchRefused):
    """A URL the site's robots.txt forbids this crawler."""

    reason = "robots_disallowed"


class Skipped(IgnoreRequest):
    """A request not sent because the archive already answers it (an archived article URL):
    a decision that loses nothing, so it is counted in the stats, not recorded as a rejection."""


class RedirectMiddleware(_Redirect):
    """Scrapy's, but a loop and the redirect limit are typed refusals, and a redirect is never
    dropped by the duplicate filter (a loop A → B → A would otherwise vanish without a trace)."""

    def process_response(self, request, response, spider=None):
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:
            raise TooManyRedirects(f"more than {self.max_redirect_times} redirects from "
                                   f"{(request.meta.get('redirect_urls') or [request.url])[0]}") from exc
        if isinstance(result, Request) and result is not request:
            chain = result.meta.get("redirect_urls", [])
            if result.url in chain:
                raise RedirectLoop(f"redirect loop: {' -> '.join(chain + [result.url])}")
            result.dont_filter = True  # counted and bounded here instead
        return result


class HttpCompressionMiddleware(_HttpCompression):
    """Scrapy's; a body that decompresses beyond DOWNLOAD_MAXSIZE (a gzip bomb) is a typed refusal."""

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise TooLarge(f"decompresses beyond DOWNLOAD_MAXSIZE ({self._max_size} bytes): "
                           f"{len(response.body)} bytes on the wire") from exc


class RetryMiddleware(_Retry):
    """Scrapy's, but a 429 or 503 that says when to come back (`Retry-After`) is not retried at
    once: it goes to the spider, which records it, and a navigation page waits until then
    (pipelines/archive/backoff.py)."""

    def process_response(self, request, response, spider=None):
        if response.status in self.retry_http_codes and response.headers.get("Retry-After"):
            return response
        return super().process_response(request, response)


def fetch_rejection(failure) -> Rejection | None:
    """The `fetch/<reason>` rejection for a request that ended without a response, or None for
    a request skipped because the archive already answers it (`Skipped`). Any other ignored
    request — a middleware of Scrapy's or a plugin's — is `fetch/ignored`, never dropped."""
    exc = failure.value
    if isinstance(exc, Skipped):
        return None
    if isinstance(exc, FetchRefused):
        reason = exc.reason
    elif isinstance(exc, IgnoreRequest):
        reason = "ignored"
    elif isinstance(exc, DownloadCancelledError):  # the only cancel is DOWNLOAD_MAXSIZE's
        return Rejection(Stage.FETCH, "too_large", f"the body grew beyond DOWNLOAD_MAXSIZE "
                                                   f"({failure.getErrorMessage() or 'no Content-Length'})")
    elif isinstance(exc, (CannotResolveHostError, DNSLookupError)):
        reason = "dns_failure"
    elif isinstance(exc, (DownloadTimeoutError, TxTimeoutError)):
        reason = "timeout"
    elif isinstance(exc, DownloadConnectionRefusedError):
        reason = "connection_refused"
    else:
        reason = "no_response"
    return Rejection(Stage.FETCH, reason, f"{type(exc).__name__}: {failure.getErrorMessage()}")


def stop_for_archive_problem(crawler, exc: BaseException) -> bool:
    """A write to the archive failed: if it is an archive problem (full, locked, schema, corrupt),
    record it in the stats and stop the crawl at once — every later page would fail the same way,
    fetched into the void. The page's transaction was rolled back, so its URL is still queued.
    Returns False when `exc` is no archive problem (the caller re-raises it)."""
    problem = write_problem(exc)
    if problem is None:
        return False
    kind, detail = problem
    if crawler.stats.get_value("jianfu/archive_problem") is None:  # the first failure decides
        crawler.stats.set_value("jianfu/archive_problem", kind)
        crawler.stats.set_value("jianfu/archive_problem_detail", detail)
        logger.error("stopping the crawl: the archive cannot be written (%s): %s", kind, detail)
        if crawler.engine is not None:
            deferred_from_coro(crawler.engine.close_spider_async(reason=kind))
    return True


@contextmanager
def archive_write(crawler):
    """Around a middleware's write to the archive (the queue, URL aliases): an archive problem
    stops the crawl (`stop_for_archive_problem`) instead of failing one callback after another."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        if not stop_for_archive_problem(crawler, exc):
            raise
