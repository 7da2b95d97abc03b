"""Repair the WARC files a killed run left behind: index them, and set aside a record it left half-written.

A run indexes each WARC file when it closes it (``archive/warc.py``); a run killed with SIGKILL (or
a crash, or a power cut) never closes its last file, so that file has no ``.cdxj`` and may end inside
a record. ``repair(directory)`` finds every ``*.warc.gz`` in WARC_DIR without its index that no live
run is writing — a writing run holds an ``flock`` on its open file, which the kernel drops when the
run dies — moves the bytes after its last whole record (gzip member) to ``<file>.truncated``, where
they are kept, not deleted, and writes the index. Only a tail is cut: a damaged record with whole
ones after it is left for ``verify`` to name. Captures rows are not touched either: a row that
pointed into the cut bytes is reported by ``verify``, since that fetch is lost.

``portal-archive verify --repair`` runs it before checking; every crawl runs it at start
(``spiders/capture.py``). Scrapy-free.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from .verify import gzip_members
from .warc import write_cdxj

CUT_SUFFIX = ".truncated"


@dataclass(frozen=True)
class Repaired:
    """One file repaired: how many whole records it keeps, and the truncated tail moved aside (if any)."""

    path: Path
    records: int
    cut_at: int | None = None  # offset where the half-written record began
    cut_bytes: int = 0

    def line(self) -> str:
        """One line for the user: what was done to the file."""
        done = f"{self.path}: not closed by its run (killed?): indexed {self.records} records"
        if self.cut_at is None:
            return done
        return (f"{done}; a truncated record at offset {self.cut_at} ({self.cut_bytes} bytes) moved to "
                f"{self.path.name}{CUT_SUFFIX}")


def repair(directory: Path) -> list[Repaired]:
    """Repair every unindexed WARC file in ``directory`` that no live run holds; what was done, per file."""
    return [done for done in map(repair_file, unindexed(directory)) if done is not None]


def unindexed(directory: Path) -> list[Path]:
    """The WARC files in ``directory`` without their ``.cdxj`` index (being written, or left by a killed run)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.glob("*.warc.gz") if not _index_of(path).is_file())


def repair_file(path: Path) -> Repaired | None:
    """Cut a truncated tail off one unindexed file and index it; None when a live run is still writing it."""
    with path.open("r+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        if _index_of(path).is_file():  # its run closed it between the listing and the lock
            return None
        end, records = whole_records(path)
        size = os.fstat(fh.fileno()).st_size
        cut = None
        if end < size:
            fh.seek(end)
            path.with_name(path.name + CUT_SUFFIX).write_bytes(fh.read())
            fh.truncate(end)
            cut = end
        write_cdxj(path)  # while locked: no other repair indexes it at the same time
    return Repaired(path, records, cut, size - end)


def whole_records(path: Path) -> tuple[int, int]:
    """(where the last whole gzip member ends, how many whole members) of a WARC file."""
    end = records = 0
    for offset, length, _, error in gzip_members(path):
        if error is None:
            end, records = offset + length, records + 1
    return end, records


def _index_of(path: Path) -> Path:
    return path.with_name(path.name + ".cdxj")


__all__ = ["CUT_SUFFIX", "Repaired", "repair", "repair_file", "unindexed", "whole_records"]
