"""The archive's record of WARC captures: which record holds each fetch, and the files' digests.

``CaptureStore`` is mixed into ``archive.store.Archive``: the capture middleware writes a row per
response or revisit record (``record_capture``), asks what the newest capture of a URL holds
(``latest_payload``, to write a revisit instead of the same bytes again), and the attachment
recorder sets a downloaded file's SHA-256 (``record_attachment``). ``verify`` reads them back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from .models import ArticleVersion, Attachment, Capture


@dataclass(frozen=True)
class CaptureRef:
    """A captures row, detached from the session."""

    id: int
    url: str
    record_type: str
    warc_file: str
    warc_offset: int
    warc_length: int
    record_id: str
    payload_digest: str
    status: int | None
    fetched_at: datetime
    refers_to_id: int | None

    @classmethod
    def of(cls, row: Capture) -> CaptureRef:
        fetched = row.fetched_at if row.fetched_at.tzinfo else row.fetched_at.replace(tzinfo=timezone.utc)
        return cls(row.id, row.url, row.record_type, row.warc_file, row.warc_offset, row.warc_length, row.record_id,
                   row.payload_digest, row.status, fetched, row.refers_to_id)


class CaptureStore:
    """Capture methods of ``Archive`` (needs its ``engine`` and ``_writing``)."""

    def record_capture(self, run_id: int | None, **fields: Any) -> int:
        """Add one captures row (the Capture columns as keywords); its id."""
        with self._writing() as s:
            row = Capture(run_id=run_id, **fields)
            s.add(row)
            s.flush()
            return row.id

    def capture(self, capture_id: int) -> CaptureRef | None:
        with Session(self.engine) as s:
            row = s.get(Capture, capture_id)
            return CaptureRef.of(row) if row else None

    def latest_payload(self, url: str) -> CaptureRef | None:
        """The response record holding the payload of ``url``'s newest capture (a revisit's original).

        A 304 answer carries no payload, so it is passed over: the capture before it still holds the page.
        """
        with Session(self.engine) as s:
            newest = s.scalars(select(Capture).where(Capture.url == url, Capture.status.is_distinct_from(304))
                               .order_by(Capture.id.desc()).limit(1)).first()
            if newest is not None and newest.refers_to_id is not None:
                newest = s.get(Capture, newest.refers_to_id)
            return CaptureRef.of(newest) if newest else None

    def record_attachment(self, url: str, sha256: str, capture_id: int | None) -> int:
        """A downloaded file's digest and capture on every attachment row linking ``url``; how many rows."""
        with self._writing() as s:
            result = s.execute(update(Attachment).where(Attachment.url == url)
                               .values(sha256=sha256, capture_id=capture_id))
            return result.rowcount

    def iter_captures(self) -> Iterator[CaptureRef]:
        """Every captures row, in id order."""
        with Session(self.engine) as s:
            for row in s.scalars(select(Capture).order_by(Capture.id).execution_options(yield_per=1000)):
                yield CaptureRef.of(row)

    def iter_hashed_attachments(self) -> Iterator[tuple[str, str, CaptureRef | None]]:
        """(url, sha256, the capture holding its payload or None) for every attachment with a digest."""
        original = aliased(Capture)
        with Session(self.engine) as s:
            rows = s.execute(select(Attachment.url, Attachment.sha256, Capture, original)
                             .outerjoin(Capture, Capture.id == Attachment.capture_id)
                             .outerjoin(original, original.id == Capture.refers_to_id)
                             .where(Attachment.sha256.is_not(None)).order_by(Attachment.id))
            for url, sha256, capture, referred in rows:
                holder = referred or capture
                yield url, sha256, CaptureRef.of(holder) if holder else None

    def version_captures(self, article_id: int) -> dict[int, int | None]:
        """{version number: capture id} of one article's kept versions."""
        with Session(self.engine) as s:
            rows = s.execute(select(ArticleVersion.version, ArticleVersion.capture_id)
                             .where(ArticleVersion.article_id == article_id))
            return dict(rows.all())


def known_files(s: Session, kept: list[Attachment], urls: list[str]) -> dict[str, tuple[str, int | None]]:
    """{url: (sha256, capture_id)} already known for these file URLs: the article's own rows first,
    then any other article's (a file linked from two articles is downloaded once)."""
    known = {att.url: (att.sha256, att.capture_id) for att in kept if att.sha256}
    missing = [url for url in urls if url not in known]
    if missing:
        with s.no_autoflush:  # the caller's article row is half-filled: not ready to be inserted
            rows = s.execute(select(Attachment.url, Attachment.sha256, Attachment.capture_id)
                             .where(Attachment.url.in_(missing), Attachment.sha256.is_not(None))
                             .order_by(Attachment.id)).all()
        known.update((url, (sha256, capture_id)) for url, sha256, capture_id in rows)
    return known


__all__ = ["CaptureRef", "CaptureStore", "known_files"]
