"""Write every response the downloader receives into WARC files, and its captures row into the archive.

A downloader middleware placed at 950, next to the downloader: its ``process_response`` sees each
response before any other middleware changes it, so retried 5xx answers, redirects and robots.txt
are captured too, and a gzip-encoded body is recorded as received, still encoded (HttpCompression
at 590 decodes it later). Scrapy has already undone the chunked transfer encoding, so the record
drops ``Transfer-Encoding`` and gives the body's own ``Content-Length`` (``archive.warc``).

The captures row's id goes into ``request.meta["capture_id"]``: the spider puts it on its item, so
the stored article version points at the fetch it came from. Off with ``WARC_ENABLED = False``.

At start it repairs what a run killed before closing its last WARC file left (``archive/warc_repair.py``:
the file indexed, a half-written record at its end set aside), one warning line per file.

``refuse_without_warc_dir`` is the spider's check, when Scrapy builds the crawler, that the captures
have somewhere to go: a bare ``scrapy crawl portal`` into PostgreSQL without WARC_DIR stops there in
one line, as ``portal-archive crawl`` does, not with a traceback from deep inside the engine.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.store import Archive
from archive.warc import Exchange, WarcDirError, WarcFiles, warc_dir_for
from archive.warc_repair import repair

logger = logging.getLogger(__name__)

META_KEY = "capture_id"
USAGE_ERROR = 2  # the exit code of `portal-archive crawl` for the same refusal (archive/cli.py)


def refuse_without_warc_dir(settings) -> None:
    """Exit 2 with warc_dir_for's one line when captures are on and the archive gives them no WARC_DIR.

    Called while Scrapy builds the crawler (``PortalSpider.update_settings``), before its event loop
    runs: an exception raised later, from this middleware's ``from_crawler``, ends in a traceback.
    """
    if not settings.getbool("WARC_ENABLED", True):
        return
    try:
        warc_dir_for(settings.get("ARCHIVE_URL"), settings.get("WARC_DIR"))
    except WarcDirError as exc:
        sys.stderr.write(f"Error: {exc}\n")  # click's form, as `portal-archive crawl` prints it
        raise SystemExit(USAGE_ERROR) from None


class WarcCaptureMiddleware:
    def __init__(self, crawler, files: WarcFiles):
        self.crawler = crawler
        self.files = files
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured("WARC_ENABLED is off")
        directory = warc_dir_for(settings.get("ARCHIVE_URL"), settings.get("WARC_DIR"))
        for repaired in repair(directory):  # files a killed run left unindexed, before this run adds its own
            logger.warning("%s", repaired.line())
        files = WarcFiles(directory, settings.get("WARC_PREFIX") or "portal-archive", settings.getint("WARC_MAX_SIZE"),
                          info={"http-header-user-agent": settings.get("USER_AGENT"),
                                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"})
        middleware = cls(crawler, files)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response):
        run_id = self.crawler.stats.get_value("archive/run_id")
        if run_id is None or "cached" in response.flags:  # no archive to record into; not a fetch
            return response
        if self.archive is None:
            self.archive = Archive.open(self.crawler.settings.get("ARCHIVE_URL"))
        latest = self.archive.latest_payload(request.url)
        written = self.files.write(exchange_of(request, response), latest)
        refers_to = latest.id if written.record_type == "revisit" else None
        request.meta[META_KEY] = self.archive.record_capture(run_id, url=request.url, status=response.status,
                                                            refers_to_id=refers_to, **written.columns())
        return response

    def spider_closed(self, spider):
        self.files.close()  # also writes the last file's CDXJ index
        if self.archive is not None:
            self.archive.close()


def exchange_of(request, response) -> Exchange:
    """The request as Scrapy sent it and the response as received, in warc terms."""
    return Exchange(url=request.url, method=request.method, request_headers=_pairs(request.headers),
                    request_body=request.body or b"", status=response.status,
                    response_headers=_pairs(response.headers), body=response.body,
                    fetched_at=datetime.now(timezone.utc), protocol=response.protocol or "HTTP/1.1")


def _pairs(headers) -> list[tuple[str, str]]:
    """Scrapy's Headers (bytes, repeated names as lists) as (name, value) pairs; latin-1, as HTTP sends them."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values]
