"""Fixity: recompute what the WARC files hold and compare it with what they and the archive claim.

``verify(archive, warc_dir)`` walks every ``*.warc.gz`` in WARC_DIR gzip member by member (one
record each, so a damaged record is found and the walk goes on after it) and checks each record's
block and payload digests; each ``.cdxj`` line must point at a record with its URL and digest;
each captures row at a record with its id, type, length and digest; each revisit at an original
with the same payload digest; each hashed attachment's captured file (content encoding undone)
must have the SHA-256 of ``attachments.sha256``. Every problem names the file, the record's id
and its offset. Digests in sha1/sha256 and hex, base32 or base64 are understood, so WARC files
from other tools can be checked too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import mmap
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .captures import CaptureRef
from .warc import replay

GZIP_MAGIC = b"\x1f\x8b\x08"
CHUNK = 1 << 16
HTTP_TYPES = frozenset(("response", "request", "revisit"))  # blocks that start with HTTP headers
RECORD_ID = re.compile(rb"WARC-Record-ID:\s*(<[^>\r\n]+>)", re.I)


@dataclass(frozen=True)
class Problem:
    path: Path
    offset: int | None
    record_id: str | None
    what: str

    def line(self) -> str:
        where = f"record {self.record_id or '(unknown id)'} at offset {self.offset}" if self.offset is not None else ""
        return f"{self.path}: {where + ': ' if where else ''}{self.what}"


@dataclass(frozen=True)
class Record:
    """One WARC record as read back: where it is and what its headers claim."""

    path: Path
    offset: int
    length: int
    record_id: str
    record_type: str
    target_uri: str | None
    payload_digest: str | None
    block_digest: str | None
    refers_to: str | None


@dataclass
class Report:
    files: int = 0
    records: int = 0
    digests: int = 0
    index_lines: int = 0
    captures: int = 0
    attachments: int = 0
    uncaptured_attachments: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[tuple[str, int]]:
        return [("WARC files", self.files), ("records", self.records), ("digests recomputed", self.digests),
                ("CDXJ lines", self.index_lines), ("captures rows", self.captures),
                ("attachments", self.attachments), ("attachments not captured", self.uncaptured_attachments),
                ("problems", len(self.problems))]


class _Walk:
    """The state of one verification: records found, places already reported broken, the report."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.report = Report()
        self.records: dict[tuple[str, int], Record] = {}  # (file name, offset) -> record
        self.by_id: dict[str, Record] = {}
        self.broken: set[tuple[str, int]] = set()  # reported once; rows pointing there add nothing
        self.broken_ids: set[str] = set()

    def problem(self, path: Path, offset: int | None, record_id: str | None, what: str) -> None:
        key = (path.name, offset)
        if offset is not None and key in self.broken:
            return
        self.broken.add(key)
        if record_id:
            self.broken_ids.add(record_id)
        self.report.problems.append(Problem(path, offset, record_id, what))


def verify(archive, directory: Path) -> Report:
    """Check every WARC file in ``directory`` and every capture and hashed attachment of ``archive``."""
    walk = _Walk(directory)
    for path in sorted(directory.glob("*.warc.gz")) if directory.is_dir() else []:
        walk.report.files += 1
        _check_file(walk, path)
        _check_index(walk, path)
    _check_revisits(walk)
    for capture in archive.iter_captures():
        walk.report.captures += 1
        _check_capture(walk, capture)
    for url, sha256, capture in archive.iter_hashed_attachments():
        _check_attachment(walk, url, sha256, capture)
    return walk.report


# -- WARC files ------------------------------------------------------------------------------

def _check_file(walk: _Walk, path: Path) -> None:
    for offset, length, raw, error in gzip_members(path):
        if error is not None:
            match = RECORD_ID.search(raw)
            walk.problem(path, offset, match.group(1).decode("ascii", "replace") if match else None,
                         f"unreadable gzip member: {error}")
            continue
        walk.report.records += 1
        try:
            record, block = _parse(path, offset, length, raw)
        except ValueError as exc:
            walk.problem(path, offset, None, f"not a WARC record: {exc}")
            continue
        walk.records[(path.name, offset)] = record
        walk.by_id[record.record_id] = record
        _check_digests(walk, record, block)


def gzip_members(path: Path) -> Iterator[tuple[int, int, bytes, str | None]]:
    """(offset, compressed length, decompressed bytes, error or None) of each gzip member; after a damaged
    member, the next place where a member decompresses whole is where the walk goes on."""
    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            offset = 0
            while offset < len(data):
                try:
                    raw, length = _inflate(data, offset)
                except (zlib.error, EOFError) as exc:
                    yield offset, 0, _inflate_partly(data, offset), str(exc)
                    offset = _next_member(data, offset + 1)
                    continue
                yield offset, length, raw, None
                offset += length


def _inflate(data, offset: int) -> tuple[bytes, int]:
    """One whole gzip member at ``offset``: its bytes and its compressed length (the CRC is checked)."""
    inflater, out, pos = zlib.decompressobj(wbits=31), [], offset
    while not inflater.eof:
        chunk = data[pos:pos + CHUNK]
        if not chunk:
            raise EOFError("the file ends inside this record")
        out.append(inflater.decompress(chunk))
        pos += len(chunk)
    return b"".join(out), pos - offset - len(inflater.unused_data)


def _inflate_partly(data, offset: int, limit: int = 1 << 14) -> bytes:
    """What a damaged member gives before it fails: enough, usually, to read its WARC-Record-ID
    (fed in small pieces, since the piece that fails gives nothing)."""
    inflater, out = zlib.decompressobj(wbits=31), []
    for pos in range(offset, min(offset + limit, len(data)), 256):
        try:
            out.append(inflater.decompress(data[pos:pos + 256]))
        except zlib.error:
            break
        if inflater.eof:
            break
    return b"".join(out)


def _next_member(data, start: int) -> int:
    position = data.find(GZIP_MAGIC, start)
    while position != -1:
        try:
            _inflate(data, position)
            return position
        except (zlib.error, EOFError):
            position = data.find(GZIP_MAGIC, position + 1)
    return len(data)


def _parse(path: Path, offset: int, length: int, raw: bytes) -> tuple[Record, bytes]:
    head, separator, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("utf-8", "replace").split("\r\n")
    if not separator or not lines[0].startswith("WARC/"):
        raise ValueError("no WARC header")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    try:
        size = int(headers["content-length"])
        record_id, record_type = headers["warc-record-id"], headers["warc-type"]
    except (KeyError, ValueError) as exc:
        raise ValueError(f"missing or bad header {exc}") from None
    if len(rest) < size:
        raise ValueError(f"block shorter than its Content-Length {size}")
    record = Record(path, offset, length, record_id, record_type, headers.get("warc-target-uri"),
                    headers.get("warc-payload-digest"), headers.get("warc-block-digest"), headers.get("warc-refers-to"))
    return record, rest[:size]


def _check_digests(walk: _Walk, record: Record, block: bytes) -> None:
    checks = [("block", record.block_digest, block)]
    if record.record_type not in ("revisit", "warcinfo"):  # a revisit's payload digest is its original's
        checks.append(("payload", record.payload_digest, _payload(record.record_type, block)))
    for name, claimed, data in checks:
        if not claimed:
            continue
        walk.report.digests += 1
        if not digest_matches(claimed, data):
            walk.problem(record.path, record.offset, record.record_id,
                         f"{name} digest mismatch: the bytes do not hash to {claimed}")
            return


def _payload(record_type: str, block: bytes) -> bytes:
    """The payload of a block: after the HTTP headers for HTTP records, the whole block otherwise."""
    return block.partition(b"\r\n\r\n")[2] if record_type in HTTP_TYPES else block


def digest_matches(claimed: str, data: bytes) -> bool:
    """Whether ``data`` has the digest ``claimed`` ("sha256:<hex>", "sha1:<base32>", base64 too)."""
    algorithm, _, value = claimed.partition(":")
    try:
        actual = hashlib.new(algorithm.lower().replace("-", ""), data).digest()
    except ValueError:
        return False
    for decode in (bytes.fromhex, base64.b32decode, base64.b64decode):
        try:
            if decode(value) == actual:
                return True
        except (ValueError, binascii.Error):
            continue
    return False


def _check_index(walk: _Walk, path: Path) -> None:
    index = path.with_name(path.name + ".cdxj")
    if not index.is_file():
        walk.problem(index, None, None, "CDXJ index missing")
        return
    for number, line in enumerate(index.read_text(encoding="utf-8").splitlines(), start=1):
        walk.report.index_lines += 1
        try:
            fields = json.loads(line.split(" ", 2)[2])
            offset = int(fields["offset"])
        except (IndexError, ValueError, KeyError):
            walk.problem(index, None, None, f"line {number} is not a CDXJ line")
            continue
        record = walk.records.get((fields.get("filename"), offset))
        if (path.name, offset) in walk.broken:
            continue
        if fields.get("filename") != path.name:
            walk.problem(index, None, None, f"line {number} names {fields.get('filename')}, not {path.name}")
        elif record is None:
            walk.problem(index, None, None, f"line {number} points at offset {offset}, where no record starts")
        elif record.target_uri != fields.get("url") or record.payload_digest != fields.get("digest"):
            walk.problem(path, offset, record.record_id, f"{index.name} line {number} disagrees with the record's "
                                                         "URL or digest")


def _check_revisits(walk: _Walk) -> None:
    for record in list(walk.records.values()):
        if record.record_type != "revisit" or not record.refers_to or record.refers_to in walk.broken_ids:
            continue
        original = walk.by_id.get(record.refers_to)
        if original is None:
            walk.problem(record.path, record.offset, record.record_id, f"refers to {record.refers_to}, found in no file")
        elif original.payload_digest != record.payload_digest:
            walk.problem(record.path, record.offset, record.record_id,
                         f"payload digest differs from its original {record.refers_to}")


# -- the archive's rows ----------------------------------------------------------------------

def _check_capture(walk: _Walk, capture: CaptureRef) -> None:
    path = walk.directory / capture.warc_file
    key = (capture.warc_file, capture.warc_offset)
    if key in walk.broken:
        return
    if not path.is_file():
        walk.problem(path, capture.warc_offset, capture.record_id, f"capture {capture.id} ({capture.url}): file missing")
        return
    record = walk.records.get(key)
    expected = (capture.record_id, capture.record_type, capture.warc_length, capture.payload_digest)
    if record is None and capture.warc_offset >= path.stat().st_size:  # a killed run's file, cut short
        walk.problem(path, capture.warc_offset, capture.record_id,
                     f"capture {capture.id} ({capture.url}): past the end of the file ({path.stat().st_size} bytes): "
                     "the record was lost when the file was cut short")
    elif record is None:
        walk.problem(path, capture.warc_offset, capture.record_id,
                     f"capture {capture.id} ({capture.url}): no record starts at this offset")
    elif (record.record_id, record.record_type, record.length, record.payload_digest) != expected:
        walk.problem(path, capture.warc_offset, capture.record_id,
                     f"capture {capture.id} ({capture.url}): the record there is {record.record_id} "
                     f"({record.record_type}, {record.length} bytes, {record.payload_digest})")


def _check_attachment(walk: _Walk, url: str, sha256: str, capture: CaptureRef | None) -> None:
    if capture is None:
        walk.report.uncaptured_attachments += 1
        return
    walk.report.attachments += 1
    path, key = walk.directory / capture.warc_file, (capture.warc_file, capture.warc_offset)
    if key in walk.broken or key not in walk.records:
        return  # already reported with its capture row
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        raw, _ = _inflate(data, capture.warc_offset)
    if hashlib.sha256(_content(raw)).hexdigest() != sha256:
        walk.problem(path, capture.warc_offset, capture.record_id,
                     f"attachment {url}: captured file's SHA-256 is not attachments.sha256 {sha256}")


def _content(raw: bytes) -> bytes:
    """A response record's payload with its content encoding (gzip, deflate, br) undone: the file itself."""
    return replay(raw).body


__all__ = ["Problem", "Report", "digest_matches", "gzip_members", "verify"]
