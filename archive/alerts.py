"""Deliver a run's alert: a JSON POST to a webhook and/or one JSON line appended to a file.

A nightly crawl runs unattended; under cron the exit code reaches whoever reads cron's mail, but
under Scrapyd nobody sees it, so the verdict is also pushed out. Delivery must never fail the run
it reports on: each failure is one log line, and the webhook's address is logged without its path
and query, which often hold a token.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)
TIMEOUT = 10  # seconds: a hung webhook must not hold the end of the crawl for long


def send_alert(alert: dict[str, Any], webhook: str | None = None, path: str | Path | None = None) -> None:
    """POST ``alert`` to ``webhook`` and append it to ``path``, each when given; never raises."""
    if webhook:
        _post(webhook, alert)
    if path:
        _append(Path(path), alert)


def _post(url: str, alert: dict[str, Any]) -> None:
    request = urllib.request.Request(url, data=json.dumps(alert, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "portal-archive"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
    except Exception as exc:  # noqa: BLE001 — any failure of the hook is only logged
        parts = urlsplit(url)
        logger.warning("alert webhook %s://%s failed: %s", parts.scheme, parts.netloc, _one_line(exc))


def _append(path: Path, alert: dict[str, Any]) -> None:
    try:
        with path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(alert, ensure_ascii=False) + "\n")
    except OSError as exc:
        logger.warning("alert file %s failed: %s", path, _one_line(exc))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


__all__ = ["send_alert"]
