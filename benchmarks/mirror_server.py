"""A static server for site mirrors on 127.0.0.1, port 0: serves files as HTTrack saved them.

HTTrack keeps query strings in links but not in file names, and saved some pages without a
`.html` suffix: the live portal served those as text/html, so this server does too.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path


class _MirrorHandler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        return super().translate_path(path.split("?", 1)[0])

    def guess_type(self, path) -> str:
        kind = super().guess_type(path)
        return "text/html" if kind == "application/octet-stream" else kind

    def log_message(self, *args) -> None:  # quiet: the crawl's own log tells what was fetched
        pass


class MirrorServer:
    def __init__(self, root: Path):
        handler = functools.partial(_MirrorHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "MirrorServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
