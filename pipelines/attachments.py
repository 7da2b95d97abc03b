"""Record downloaded attachments (a Scrapy extension): the file's SHA-256 and its capture on the attachment rows.

The spider fetches the files that stored articles link (PDF, DOC, XLS…; ``archive.urls.is_document``)
and sends ``ATTACHMENT_FETCHED`` with the response; the digest is of the body as Scrapy hands it over,
i.e. the file itself, whatever content encoding carried it. DOWNLOAD_MAXSIZE bounds the download:
a larger file fails like any other page and keeps no digest.
"""

from __future__ import annotations

import hashlib

from scrapy import signals

from archive.store import Archive

ATTACHMENT_FETCHED = object()  # signal the spider sends from its attachment callback: (url as linked, response)


class AttachmentRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler)
        crawler.signals.connect(recorder.attachment_fetched, signal=ATTACHMENT_FETCHED)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def attachment_fetched(self, url: str, response) -> None:
        if self.crawler.stats.get_value("archive/run_id") is None:  # the store pipeline is off: nothing to record into
            return
        if response.status != 200:  # a 304 to a conditional request, or a partial answer, is not the file
            return
        if self.archive is None:
            self.archive = Archive.open(self.crawler.settings.get("ARCHIVE_URL"))
        digest = hashlib.sha256(response.body).hexdigest()
        self.archive.record_attachment(url, digest, response.meta.get("capture_id"))
        self.crawler.stats.inc_value("archive/attachments")

    def spider_closed(self, spider):
        if self.archive is not None:
            self.archive.close()
