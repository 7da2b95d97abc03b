"""A static server for site mirrors on 127.0.0.1, port 0: serves files as HTTrack saved them.

HTTrack keeps query strings in links but not in file names, and saved some pages without a
`.html` suffix: the live portal served those as text/html, so this server does too.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from archive.sample.loopback import LoopbackServer


class _MirrorHandler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        return super().translate_path(path.split("?", 1)[0])

    def guess_type(self, path) -> str:
        kind = super().guess_type(path)
        return "text/html" if kind == "application/octet-stream" else kind

    def log_message(self, *args) -> None:  # quiet: the crawl's own log tells what was fetched
        pass


class MirrorServer(LoopbackServer):
    def __init__(self, root: Path):
        super().__init__(functools.partial(_MirrorHandler, directory=str(root)), name="mirror")
