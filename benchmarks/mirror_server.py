"""A static server for site mirrors on 127.0.0.1, port 0: serves files as HTTrack saved them.

HTTrack keeps query strings in links but not in file names, and saved some pages without a
`.html` suffix: the live portal served those as text/html, so this server does too.

Like any static server it sends each file's ``Last-Modified`` (its mtime) and answers a matching
``If-Modified-Since`` with 304, but sends no ETag; ``validators=False`` serves neither, as many
live portals do. ``traffic()`` counts requests and body bytes sent, ``statuses`` the responses.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from collections import Counter
from pathlib import Path

from archive.sample.loopback import LoopbackServer


class _MirrorHandler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        return super().translate_path(path.split("?", 1)[0])

    def guess_type(self, path) -> str:
        kind = super().guess_type(path)
        return "text/html" if kind == "application/octet-stream" else kind

    def send_head(self):
        if not self.server.owner.validators:  # type: ignore[attr-defined]
            del self.headers["If-Modified-Since"]
        return super().send_head()

    def send_header(self, keyword: str, value: str) -> None:
        if keyword != "Last-Modified" or self.server.owner.validators:  # type: ignore[attr-defined]
            super().send_header(keyword, value)

    def send_response(self, code: int, message: str | None = None) -> None:
        self.server.owner.count(code=code)  # type: ignore[attr-defined]
        super().send_response(code, message)

    def copyfile(self, source, outputfile) -> None:
        body = source.read()
        outputfile.write(body)
        self.server.owner.count(size=len(body))  # type: ignore[attr-defined]

    def log_message(self, *args) -> None:  # quiet: the crawl's own log tells what was fetched
        pass


class MirrorServer(LoopbackServer):
    def __init__(self, root: Path, validators: bool = True):
        super().__init__(functools.partial(_MirrorHandler, directory=str(root)), name="mirror")
        self.validators = validators
        self.statuses: Counter[int] = Counter()
        self.bytes_sent = 0
        self._lock = threading.Lock()

    def count(self, code: int | None = None, size: int = 0) -> None:
        with self._lock:
            if code is not None:
                self.statuses[code] += 1
            self.bytes_sent += size

    def traffic(self) -> tuple[int, int]:
        """(requests, body bytes) served so far: subtract two readings to measure one crawl."""
        with self._lock:
            return sum(self.statuses.values()), self.bytes_sent


# `portal-archive crawl` exit codes that mean the crawl of a mirror finished: 3 is "over the failure
# rate", which a mirror crawl always is, the mirror lacking the attachment files its pages link.
CRAWL_FINISHED = (0, 3)


def site_arguments(prog: str, description: str, argv: list[str] | None) -> argparse.Namespace:
    """The options every mirror benchmark takes (--site, --start, --write); exit 2 without the site folder."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--site", required=True, type=Path)
    parser.add_argument("--start", default="vi/trang-chu.html", help="start page, relative to the mirror")
    parser.add_argument("--write")
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        parser.exit(2, f"{prog}: no such site folder {args.site}\n")
    return args
