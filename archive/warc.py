"""WARC files of what the crawler fetched: writing, rotating and indexing them (warcio, cdxj-indexer).

Scrapy-free: ``spiders/capture.py`` turns a Scrapy request and response into an ``Exchange`` and
hands it to ``WarcFiles.write``. Each fetch becomes a ``response`` record (or a ``revisit`` when its
payload is the one the URL's last capture holds) and the ``request`` record that produced it,
WARC/1.1, each record its own gzip member, in ``<prefix>-<run start UTC>-<serial>.warc.gz`` files
under WARC_DIR; a file is indexed into ``<file>.cdxj`` beside it when it is closed, at the end of a
run or once it passes WARC_MAX_SIZE. Each fetch is flushed to disk before its captures row is written,
and the open file is ``flock``ed; a run killed before closing its file leaves it unindexed, which
``archive/warc_repair.py`` repairs.

Digests are SHA-256 written as ``sha256:<hex>`` (the form webrecorder's newer tools write): a PDF's
payload digest is then its ``attachments.sha256`` with a prefix, and ``sha256sum`` of an extracted
payload can be compared by eye. The block digest covers HTTP headers and payload, as WARC 1.1 says.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from .captures import CaptureRef

DIGEST = "sha256"
WARC_VERSION = "1.1"
DEFAULT_PREFIX = "portal-archive"
DEFAULT_MAX_SIZE = 1_000_000_000  # bytes: rotate near 1 GB, the size most WARC tools expect
# Hop-by-hop framing that Scrapy has already undone: the recorded body is no longer chunked, so the
# header would misdescribe it. Content-Length is set to the recorded body's length instead.
UNDONE_HEADERS = frozenset(("transfer-encoding", "content-length"))


class WarcDirError(ValueError):
    """No WARC_DIR can be derived for the archive; the message is one line for the user."""


def warc_dir_for(archive_url: str, warc_dir: str | Path | None = None) -> Path:
    """WARC_DIR: the given one, else ``<archive file>.warc`` beside a SQLite archive."""
    if warc_dir:
        return Path(warc_dir).expanduser()
    url = make_url(archive_url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not database.startswith("file:"):
        return Path(database + ".warc").expanduser()
    raise WarcDirError(f"a {url.get_backend_name()} archive keeps its WARC files where you say: "
                       "pass --warc-dir DIR (or set WARC_DIR)")


def digest_of(data: bytes) -> str:
    """A WARC digest value of ``data``: ``sha256:<hex>``."""
    return f"{DIGEST}:{hashlib.new(DIGEST, data).hexdigest()}"


@dataclass(frozen=True)
class Exchange:
    """One HTTP fetch as the crawler saw it: the request sent and the response received."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes  # after transfer decoding; content encoding (gzip) still applied if the server used it
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class Written:
    """Where the response or revisit record of an exchange went (the captures row's columns)."""

    record_type: str
    warc_file: str
    warc_offset: int
    warc_length: int
    record_id: str
    payload_digest: str
    fetched_at: datetime

    def columns(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


class _HexDigester:
    """warcio's digester interface, writing ``sha256:<hex>`` instead of base32."""

    def __init__(self) -> None:
        self._hash = hashlib.new(DIGEST)

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def __str__(self) -> str:
        return f"{DIGEST}:{self._hash.hexdigest()}"


class _Writer(WARCWriter):
    @staticmethod
    def _create_digester():
        return _HexDigester()


def revisit_target(payload_digest: str, body: bytes, latest: CaptureRef | None, directory: Path) -> CaptureRef | None:
    """The earlier response a new capture may point at instead of storing its payload again.

    Only a non-empty payload identical to the one the URL's last capture holds, and only while that
    record's file is still in WARC_DIR (a revisit whose original is gone replays nothing).
    """
    if not body or latest is None or latest.payload_digest != payload_digest:
        return None
    return latest if (directory / latest.warc_file).is_file() else None


class WarcFiles:
    """The WARC files of one run: opened on the first write, rotated past ``max_size``, indexed when closed."""

    def __init__(self, directory: Path, prefix: str = DEFAULT_PREFIX, max_size: int = DEFAULT_MAX_SIZE,
                 info: dict[str, str] | None = None):
        self.directory = directory
        self.prefix = prefix
        self.max_size = max_size
        self.info = info or {}
        self.started = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self.serial = 0
        self.closed_files: list[Path] = []
        self._path: Path | None = None
        self._file = None
        self._writer: _Writer | None = None

    def write(self, exchange: Exchange, latest: CaptureRef | None = None) -> Written:
        """Write the exchange's response (or revisit of ``latest``) and request records; where the first went."""
        if self._file is None or self._file.tell() >= self.max_size:
            self._rotate()
        digest = digest_of(exchange.body)
        original = revisit_target(digest, exchange.body, latest, self.directory)
        response = self._response_record(exchange, digest, original)
        offset = self._file.tell()
        self._writer.write_record(response)
        length = self._file.tell() - offset
        self._writer.write_record(self._request_record(exchange, response))
        self._file.flush()  # on disk before the captures row names it: a kill -9 then loses at most this record
        return Written("revisit" if original else "response", self._path.name, offset, length,
                       response.rec_headers.get_header("WARC-Record-ID"), digest, exchange.fetched_at)

    def close(self) -> None:
        """Write the current file's CDXJ index, then close it (and so let go of its lock)."""
        if self._file is None:
            return
        self._file.flush()
        write_cdxj(self._path)  # still locked: archive/warc_repair.py never indexes it at the same time
        self._file.close()
        self.closed_files.append(self._path)
        self._file = self._writer = None

    def _rotate(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:  # never overwrite: two runs started in the same second take the next serial
            self._path = self.directory / f"{self.prefix}-{self.started}-{self.serial:05d}.warc.gz"
            self.serial += 1
            try:
                self._file = self._path.open("xb")
                break
            except FileExistsError:
                continue
        # Held while the file is written; the kernel drops it when this process dies, even by kill -9, which is
        # how archive/warc_repair.py tells a killed run's unindexed file from one a live run is still writing.
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        self._writer = _Writer(self._file, gzip=True, warc_version=WARC_VERSION)
        self._writer.write_record(self._writer.create_warcinfo_record(self._path.name, {
            "software": "portal-archive (warcio)", "format": f"WARC File Format {WARC_VERSION}",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            **self.info}))

    def _response_record(self, exchange: Exchange, digest: str, original: CaptureRef | None):
        headers = StatusAndHeaders(_status_line(exchange.status), recorded_headers(exchange.response_headers,
                                                                                   exchange.body),
                                   protocol=exchange.protocol)
        warc_headers = {"WARC-Date": warc_date(exchange.fetched_at), "WARC-Payload-Digest": digest}
        if original is None:
            return self._writer.create_warc_record(exchange.url, "response", payload=BytesIO(exchange.body),
                                                   length=len(exchange.body), http_headers=headers,
                                                   warc_headers_dict=warc_headers)
        record = self._writer.create_revisit_record(exchange.url, digest, original.url, warc_date(original.fetched_at),
                                                    http_headers=headers,
                                                    warc_headers_dict={"WARC-Date": warc_headers["WARC-Date"]})
        record.rec_headers.add_header("WARC-Refers-To", original.record_id)
        return record

    def _request_record(self, exchange: Exchange, response):
        target = urlsplit(exchange.url)
        line = f"{exchange.method} {target.path or '/'}{'?' + target.query if target.query else ''} {exchange.protocol}"
        headers = StatusAndHeaders(line, [("Host", target.netloc), *exchange.request_headers], is_http_request=True)
        return self._writer.create_warc_record(
            exchange.url, "request", payload=BytesIO(exchange.request_body), length=len(exchange.request_body),
            http_headers=headers, warc_headers_dict={
                "WARC-Date": response.rec_headers.get_header("WARC-Date"),
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})


def recorded_headers(headers: Iterable[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """The response headers as recorded: framing Scrapy undid dropped, Content-Length of the recorded body."""
    kept = [(name, value) for name, value in headers if name.lower() not in UNDONE_HEADERS]
    return [*kept, ("Content-Length", str(len(body)))]


def warc_date(moment: datetime) -> str:
    """WARC-Date with microseconds (WARC 1.1), in UTC."""
    utc = moment.astimezone(timezone.utc) if moment.tzinfo else moment
    return datetime_to_iso_date(utc.replace(tzinfo=None), use_micros=True)


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@dataclass(frozen=True)
class Replayed:
    """A captured HTTP response read back: as the server sent it, but its content encoding undone."""

    status: int
    headers: list[tuple[str, str]]  # without Content-Encoding and Content-Length, which described the bytes sent
    body: bytes


def replay(member: bytes) -> Replayed:
    """The response in one WARC record (a gzip member or its inflated bytes); ValueError if it holds none."""
    from warcio.archiveiterator import ArchiveIterator

    record = next(iter(ArchiveIterator(BytesIO(member))), None)
    if record is None or record.http_headers is None or record.rec_type != "response":
        raise ValueError("no response record")
    body = record.content_stream().read()  # de-chunked, gzip/deflate/br undone
    status = int(record.http_headers.get_statuscode() or 0)
    headers = [(name, value) for name, value in record.http_headers.headers
               if name.lower() not in ("content-encoding", "content-length")]
    return Replayed(status, headers, body)


def replay_capture(directory: Path, capture: CaptureRef) -> Replayed | None:
    """The response a captures row points at, read from its file in WARC_DIR; None when it is gone or unreadable."""
    try:
        with (directory / capture.warc_file).open("rb") as fh:
            fh.seek(capture.warc_offset)
            return replay(fh.read(capture.warc_length))
    except (OSError, ValueError, EOFError):
        return None


def write_cdxj(warc: Path) -> Path:
    """Index one WARC file into ``<file>.cdxj`` beside it (sorted SURT lines, cdxj-indexer's fields)."""
    from cdxj_indexer.main import CDXJIndexer

    index = warc.with_name(warc.name + ".cdxj")
    partial = index.with_name(index.name + ".partial")  # renamed once whole: a killed indexer leaves no index
    CDXJIndexer(output=str(partial), inputs=[str(warc)], sort=True).process_all()
    partial.replace(index)
    return index


__all__ = ["DEFAULT_MAX_SIZE", "DEFAULT_PREFIX", "Exchange", "Replayed", "WarcDirError", "WarcFiles", "Written",
           "digest_of", "recorded_headers", "replay", "replay_capture", "revisit_target", "warc_date", "warc_dir_for", "write_cdxj"]
