"""`portal-archive crawl` exit codes for cron: 3 for a run degraded by a redesign or over the failure limit,
with the warning, the webhook's alert, the alert file's line and `runs` all telling the same story."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler

from conftest import ROOT, run_cli

from archive.sample import serve
from archive.sample.loopback import LoopbackServer


class _HookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.owner.received.append((self.path, self.headers.get("Content-Type"), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class Webhook(LoopbackServer):
    """A webhook receiver on 127.0.0.1 that keeps what it was sent."""

    def __init__(self):
        super().__init__(_HookHandler, name="test-webhook")
        self.received: list[tuple[str, str, dict]] = []


def crawl(base: str, archive: str, **env: str) -> subprocess.CompletedProcess:
    """`portal-archive crawl` in its own process, with ARCHIVE_ settings given as PORTAL_ARCHIVE_* variables."""
    return subprocess.run([sys.executable, "-m", "archive", "crawl", base + "/", "--archive", archive, "--no-politeness"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **{f"PORTAL_ARCHIVE_{k.upper()}": v for k, v in env.items()}})


def test_a_redesign_that_loses_dates_and_authors_exits_3_warns_and_alerts(tmp_path):
    archive, alerts = f"sqlite:///{tmp_path / 'archive.db'}", tmp_path / "alerts.jsonl"
    with Webhook() as hook:
        settings = {"alert_webhook": hook.url + "/hooks/crawls", "alert_file": str(alerts)}
        with serve(slow_seconds=0) as portal:
            first = crawl(portal.url, archive, **settings)
        assert first.returncode == 0, first.stderr[-2000:]
        # The redesigned portal is a new server: its new port gives new URLs, so no ETag from the first crawl
        # can turn the redesigned pages into 304s (their content, which the ETag is made of, did not change).
        with serve(slow_seconds=0, theme="scripted") as portal:
            second = crawl(portal.url, archive, **settings)
    assert second.returncode == 3, second.stderr[-2000:]
    warnings = [line for line in second.stderr.splitlines() if line.startswith("warning: run 2: degraded: ")]
    assert "warning: run 2: degraded: 127.0.0.1: datePublished in 0% of articles (was 100%)" in warnings
    assert any(": authors in 0% of articles (was " in line for line in warnings)

    (path, content_type, alert), = hook.received
    assert path == "/hooks/crawls" and content_type == "application/json"
    assert alert["run"] == 2 and alert["portals"] == ["127.0.0.1"]
    assert {d["field"] for d in alert["degraded"]} >= {"datePublished", "authors"}
    assert [json.loads(line) for line in alerts.read_text(encoding="utf-8").splitlines()] == [alert]

    shown = json.loads(run_cli("runs", "--archive", archive, "--format", "json").stdout)
    assert shown[0]["counts"]["degraded"] == alert["degraded"] and shown[1]["counts"]["degraded"] == []
    assert shown[0]["settings"]["incremental"] == ["127.0.0.1"] and shown[1]["settings"]["incremental"] == []
    table = run_cli("runs", "--archive", archive).stdout
    assert "degraded" in table and "health" in table


def test_failed_pages_over_the_limit_exit_3_and_runs_shows_their_reasons(tmp_path):
    archive = f"sqlite:///{tmp_path / 'archive.db'}"
    with serve(slow_seconds=0) as portal:
        proc = crawl(portal.url, archive, max_failure_rate="0.001")  # the sample's one 404 is over 0.1%
        missing = portal.url + "/vi/so-do-cong"
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert "warning: run 1: " in proc.stderr and "of pages failed, over the limit of 0% (HTTP 404 ×1)" in proc.stderr
    failures = run_cli("runs", "--archive", archive, "--failures", "1")
    assert failures.returncode == 0, failures.stderr
    assert "failing" in failures.stdout and "HTTP 404" in failures.stdout and missing in failures.stdout
    assert run_cli("runs", "--archive", archive, "--failures", "7").stderr.strip() == "Error: no run 7 in the archive"
