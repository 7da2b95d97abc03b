"""Downloader middlewares for hostile servers (settings.DOWNLOADER_MIDDLEWARES).

``BackoffRetryMiddleware``: Scrapy's retries (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS),
spaced out instead of immediate. The n-th retry waits ARCHIVE_RETRY_BACKOFF * 2**(n-1) seconds, or
the response's ``Retry-After`` if that is longer; a ``Retry-After`` beyond ARCHIVE_RETRY_BACKOFF_MAX
is a "come back much later": the request is given up at once and recorded as failed.

``RedirectGuardMiddleware``: redirects stay on the portal and end. An off-site ``Location`` is
not followed, and a redirect back to a URL of the same chain is a loop (Scrapy's dupefilter would
drop it without a trace). Either way the request fails with ``IgnoreRequest``, so the spider's
errback records it in the pages table.

``ConditionalRequestMiddleware``: a request the spider marks ``revalidate`` (an article the archive
holds) carries If-None-Match / If-Modified-Since with the validators the archive kept from that URL's
last 200 response (or, when the article was last read under another URL, from that one), so an
unchanged page costs a "304 Not Modified" and no body. Without validators it is an ordinary request,
and the content hash decides whether the article changed. A redirect that lands on a known article
(an old URL's 301) is a re-validation too: the spider could not tell where the old URL led.
A page the spider marks ``relist`` (one it read before that lists: a home page, a section, a sitemap)
is asked the same way, and its 304 is answered with the page as captured then (WARC_DIR), flagged
``cached``, so the spider follows its links as if it had been downloaded; where that capture cannot
be read, the page is requested again without conditions.
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

from scrapy import Request, signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater
from w3lib.url import canonicalize_url

from archive.store import Archive
from archive.urls import identity, is_same_site
from archive.warc import replay_capture, warc_dir_for
from spiders.incremental import REVALIDATE, conditional_headers

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
CONDITIONAL_HEADERS = (b"If-None-Match", b"If-Modified-Since")


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("ARCHIVE_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("ARCHIVE_RETRY_BACKOFF_MAX", 60.0)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after(response.headers.get(b"Retry-After"))
        if wait is not None and wait > self.backoff_max:
            logger.warning("Gave up retrying %s: Retry-After %.0f s is longer than ARCHIVE_RETRY_BACKOFF_MAX (%.0f s)",
                           request, wait, self.backoff_max)
            return response
        retry = super().process_response(request, response)
        if isinstance(retry, Request):
            await self._sleep(retry, wait)
        return retry

    async def process_exception(self, request, exception):
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await self._sleep(retry, None)
        return retry

    async def _sleep(self, retry: Request, wait: float | None) -> None:
        delay = min(max(self.backoff * 2 ** (retry.meta.get("retry_times", 1) - 1), wait or 0), self.backoff_max)
        if delay > 0:
            from twisted.internet import (
                reactor,  # not at import time: Scrapy installs the reactor first
            )

            logger.debug("Waiting %.1f s before retrying %s", delay, retry)
            await maybe_deferred_to_future(deferLater(reactor, delay))


def retry_after(value: bytes | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


class RedirectGuardMiddleware:
    """Placed after RedirectMiddleware (a higher number): sees each 3xx response before it is followed."""

    def process_request(self, request):
        # Any other redirect (a <meta refresh>) that left the portal is stopped before it is sent.
        chain = request.meta.get("redirect_urls")
        if chain and not is_same_site(request.url, chain[0]):
            raise IgnoreRequest(f"off-site redirect from {chain[0]} to {request.url} not followed")

    def process_response(self, request, response):
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location or request.meta.get("dont_redirect"):
            return response
        target = response.urljoin(location.decode("latin-1").strip())
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if not is_same_site(target, chain[0]):
            raise IgnoreRequest(f"off-site redirect to {target} not followed")
        if canonicalize_url(target) in {canonicalize_url(url) for url in chain}:
            raise IgnoreRequest("redirect loop: " + " -> ".join([*chain, target]))
        return response


class ConditionalRequestMiddleware:
    """Adds the validators of a re-validated URL, read from the archive's pages table."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.archive: Archive | None = None
        self.warc_dir: Path | None = None

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_request(self, request):
        # A redirect copies the request's headers and meta: drop the validators of the URL it came from, and
        # let the URL it lands on decide whether this is a re-validation (a known article) or not.
        for name in CONDITIONAL_HEADERS:
            request.headers.pop(name, None)
        if request.meta.get("redirect_urls") and self._known(request.url):
            request.meta.update(REVALIDATE)
        elif request.meta.get("redirect_urls"):
            request.meta.pop("revalidate", None)
        if request.meta.get("revalidate") or request.meta.get("relist"):
            page = self._archive().page_with_validators(request.url, identity(request.url))
            for name, value in conditional_headers(page).items():
                request.headers[name] = value

    def process_response(self, request, response):
        if response.status != 304 or not request.meta.get("relist"):
            return response
        replayed = self._captured(request.url)
        if replayed is None:  # no capture to read it from: ask for the page itself
            meta = {**request.meta, "relist": False, "handle_httpstatus_list": ()}
            return request.replace(meta=meta, dont_filter=True)
        headers = Headers(replayed.headers)
        kind = responsetypes.from_args(headers=headers, url=request.url, body=replayed.body)
        return kind(url=request.url, status=replayed.status, headers=headers, body=replayed.body, request=request,
                    flags=["cached"])  # "cached": not a fetch, so spiders/capture.py does not capture it again

    def _captured(self, url: str):
        """The last captured 200 of ``url`` (spiders/capture.py wrote it), read back; None if there is none."""
        capture = self._archive().latest_payload(url)
        if capture is None or capture.status != 200:
            return None
        if self.warc_dir is None:
            self.warc_dir = warc_dir_for(self.crawler.settings.get("ARCHIVE_URL"), self.crawler.settings.get("WARC_DIR"))
        return replay_capture(self.warc_dir, capture)

    def spider_closed(self, spider):
        if self.archive is not None:
            self.archive.close()

    def _known(self, url: str) -> bool:
        is_known = getattr(self.crawler.spider, "is_known", None)  # the portal spider's; other spiders know nothing
        return bool(is_known and is_known(url))

    def _archive(self) -> Archive:
        if self.archive is None:
            self.archive = Archive.open(self.crawler.settings.get("ARCHIVE_URL"))
        return self.archive
