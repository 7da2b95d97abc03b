"""docs/SCHEDULING.md works as written: crontab and systemd command lines parse, the systemd units pass
`systemd-analyze verify`, and a crawl deployed with `scrapyd-deploy` runs on a local Scrapyd."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

from archive.cli import cli
from archive.sample import serve, truth

DOC = (ROOT / "docs" / "SCHEDULING.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent  # the environment's console scripts: portal-archive, scrapyd, scrapyd-deploy
INSTALLED = "/opt/portal-archive/venv/bin/portal-archive"  # where the examples assume the project


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC, re.M | re.S)


def parse_crawl(command: str) -> None:
    """Raise click's UsageError unless ``command`` is a valid `portal-archive crawl …` line."""
    words = shlex.split(command)
    assert words[:2] == [INSTALLED, "crawl"], command
    cli.commands["crawl"].make_context("crawl", words[2:])


def test_the_readme_links_the_scheduling_guide():
    assert "docs/SCHEDULING.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_crontab_lines_have_five_time_fields_and_a_valid_crawl():
    (crontab,) = blocks("cron")
    jobs = [line for line in crontab.splitlines() if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(jobs) == 2
    for job in jobs:
        fields = job.split(None, 5)
        assert all(re.fullmatch(r"[\d*,/-]+", f) for f in fields[:5]), job
        assert "%" not in fields[5]  # cron would turn it into a newline
        parse_crawl(fields[5].split(">>")[0])


def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (no systemd on this machine)")
    units = {re.match(r"# /etc/systemd/system/(\S+)\n", block)[1]: block for block in blocks("ini")}
    assert set(units) == {"portal-archive-crawl@.service", "portal-archive-crawl@.timer"}
    (exec_start,) = re.findall(r"^ExecStart=(.*)$", units["portal-archive-crawl@.service"], re.M)
    parse_crawl(exec_start.replace("%i", "sotttt-hanoi"))
    paths = []
    for name, text in units.items():  # an instance of each template, run from this environment
        path = tmp_path / name.replace("@.", "@sotttt-hanoi.")
        path.write_text(text.replace(INSTALLED, str(BIN / "portal-archive")), encoding="utf-8")
        paths.append(str(path))
    verified = subprocess.run(["systemd-analyze", "verify", *paths], capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_crawl_deployed_with_scrapyd_deploy_runs_on_scrapyd(tmp_path):
    if not (BIN / "scrapyd").exists() or not (BIN / "scrapyd-deploy").exists():
        pytest.skip("scrapyd and scrapyd-client are not installed (pip install 'portal-archive[scrapyd]')")
    port = _free_port()
    # Scrapyd's jobs import the project's code from this checkout, as from an installed package.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    (tmp_path / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = eggs\nlogs_dir = logs\n"
        "dbs_dir = dbs\nitems_dir =\nmax_proc = 1\npoll_interval = 0.2\n")
    scrapyd = subprocess.Popen([str(BIN / "scrapyd")], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        api = f"http://127.0.0.1:{port}"
        _wait_for(lambda: _get(api + "/daemonstatus.json")["status"] == "ok", "scrapyd to start")
        _deploy(tmp_path / "deploy", api, env)
        archive = tmp_path / "archive.db"
        with serve(slow_seconds=0) as portal:
            job = _post(api + "/schedule.json", project="portal_archive", spider="portal", url=portal.url + "/",
                        setting=[f"ARCHIVE_URL=sqlite:///{archive}", "DOWNLOAD_DELAY=0",
                                 "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16"])
            _wait_for(lambda: _finished(api, job["jobid"]), "the scheduled crawl to finish", seconds=240)
    finally:
        scrapyd.terminate()
        scrapyd.wait(timeout=30)
    log = next((tmp_path / "logs").rglob("*.log")).read_text(encoding="utf-8", errors="replace")
    assert archive.exists(), log[-3000:]
    db = sqlite3.connect(archive)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(truth().articles), log[-3000:]
    status, counts = db.execute("SELECT status, counts FROM crawl_runs").fetchone()
    assert status == "finished" and json.loads(counts)["degraded"] == []


# -- helpers --------------------------------------------------------------------------------

def _deploy(folder: Path, api: str, env: dict) -> None:
    """`scrapyd-deploy` from a copy of deploy/scrapyd (it writes build files), to a target on our port."""
    shutil.copytree(ROOT / "deploy" / "scrapyd", folder)
    with (folder / "scrapy.cfg").open("a") as cfg:
        cfg.write(f"\n[deploy:test]\nurl = {api}/\nproject = portal_archive\n")
    deployed = subprocess.run([str(BIN / "scrapyd-deploy"), "test", "--version", "1"], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=180)
    assert deployed.returncode == 0 and '"status": "ok"' in deployed.stdout + deployed.stderr, deployed.stderr


def _finished(api: str, job: str) -> bool:
    jobs = _get(api + "/listjobs.json?project=portal_archive")
    return any(j["id"] == job for j in jobs["finished"])


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _post(endpoint: str, **fields) -> dict:
    data = urllib.parse.urlencode(fields, doseq=True).encode()
    with urllib.request.urlopen(endpoint, data=data, timeout=10) as response:
        return json.load(response)


def _wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
