"""Run locks (archive/locks.py): one run per portal, refused with the holder's name, never left stale by a kill -9."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import BACKENDS, ROOT, archive_database, run_cli

from archive.locks import Holder, LockHeld, lock_key, run_locks
from archive.sample import serve


@pytest.fixture(params=BACKENDS)
def archive_url(request, tmp_path):
    with archive_database(request.param, tmp_path) as url:
        yield url


def test_a_second_run_is_refused_naming_the_holder(archive_url):
    with run_locks(archive_url, ["hoaphong"]):
        with pytest.raises(LockHeld) as refused:
            with run_locks(archive_url, ["hoaphong"]):
                pass
    message = str(refused.value)
    assert message.startswith("another run holds the lock on portal 'hoaphong': ")
    assert f"pid {os.getpid()} on {socket.gethostname()[:20]}" in message and "started 20" in message
    assert "\n" not in message


def test_several_portals_are_locked_all_or_none(archive_url):
    with run_locks(archive_url, ["b"]):
        with pytest.raises(LockHeld, match="'b'"):
            with run_locks(archive_url, ["a", "b", "c"]):
                pass
        with run_locks(archive_url, ["a", "c"]):  # the refused run let go of "a" again
            pass
    with run_locks(archive_url, ["a", "b", "c"]):
        pass


def test_a_killed_holder_leaves_no_stale_lock(archive_url):
    holder = _hold_lock_in_a_process(archive_url, "hoaphong")
    try:
        with pytest.raises(LockHeld, match=f"pid {holder.pid} "):
            with run_locks(archive_url, ["hoaphong"]):
                pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    _eventually_free(archive_url, "hoaphong")


def test_lock_keys_are_stable_64_bit_and_distinct():
    assert lock_key("sotttt-hanoi") == lock_key("sotttt-hanoi")
    assert lock_key("sotttt-hanoi") != lock_key("sotttt-hcm")
    assert all(-2**63 <= lock_key(s) < 2**63 for s in ("a", "127.0.0.1", "Đà Nẵng"))


def test_the_holder_fits_in_a_postgresql_application_name():
    holder = Holder(pid=4194304, host="a-very-long-host-name.ministry.example.gov.vn", started="2025-01-31T02:00:00Z")
    tag = holder.tag()
    assert len(tag.encode()) <= 63
    assert Holder.from_tag(tag) == Holder(4194304, tag.split("@")[1].split()[0], "2025-01-31T02:00:00Z")
    assert Holder.from_tag("psql").pid is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_crawl_exits_4_while_another_crawl_runs_and_proceeds_after_it_is_killed(backend, tmp_path):
    with archive_database(backend, tmp_path) as url, serve(slow_seconds=120) as server:
        warc = ("--warc-dir", str(tmp_path / "warc"))  # a PostgreSQL archive has no file to put them beside
        first = _start_crawl(server.url, url, tmp_path / "first.log", *warc)
        try:
            _wait_until(lambda: server.requests > 0 or first.poll() is not None, "the first crawl to start fetching")
            assert first.poll() is None, first.stderr.read()[-2000:]  # held up by the slow page, lock held
            second = run_cli("crawl", server.url + "/", "--archive", url, "--no-politeness", *warc, timeout=120)
            assert second.returncode == 4, second.stderr[-2000:]
            (line,) = [x for x in second.stderr.splitlines() if x.strip()]
            assert line.startswith("Error: another run holds the lock on portal '127.0.0.1': ")
            assert f"pid {first.pid} on " in line
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        server.site.slow_seconds = 0
        third = run_cli("crawl", server.url + "/", "--archive", url, "--no-politeness", *warc, timeout=300)
    assert third.returncode == 0, third.stderr[-2000:]
    assert "finished" in third.stdout


@pytest.mark.parametrize("obstacle", ["read-only folder", "a file in its place"])
def test_an_unwritable_lock_folder_is_one_line_and_exit_1_before_any_fetch(obstacle, tmp_path):
    """Like any other environment error of the CLI (a locked or missing archive): exit 1, one line naming the path.
    root writes anywhere, so as root the crawl runs without the capability that lets it (see _unprivileged)."""
    locks = tmp_path / "archive.db.locks"
    if obstacle == "read-only folder":
        locks.mkdir(mode=0o555)
    else:
        locks.write_text("not a folder")
    with serve(slow_seconds=0) as server:
        proc = subprocess.run([*_unprivileged(), sys.executable, "-m", "archive", "crawl", server.url + "/",
                               "--archive", f"sqlite:///{tmp_path / 'archive.db'}", "--no-politeness"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)
        assert server.requests == 0
    assert proc.returncode == 1, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("Error: cannot take the run lock on portal '127.0.0.1': ") and str(locks) in line


# -- helpers --------------------------------------------------------------------------------

def _unprivileged() -> list[str]:
    """A command prefix under which root obeys file permissions: without CAP_DAC_OVERRIDE (and its read-only
    sibling) in its bounding set. Unlike switching to nobody, the child still reads the checkout and the venv
    wherever they are, since root owns them."""
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


def _start_crawl(base: str, url: str, log, *options: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "archive", "crawl", base + "/", "--archive", url,
                             "--no-politeness", "--log-file", str(log), *options],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _hold_lock_in_a_process(archive_url: str, slug: str) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import sys, time
        from archive.locks import run_locks
        with run_locks({archive_url!r}, [{slug!r}]):
            print("locked", flush=True)
            time.sleep(600)
    """)
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def _eventually_free(archive_url: str, slug: str) -> None:
    """The kernel frees a flock at once; PostgreSQL ends the dead client's session a moment later."""
    deadline = time.monotonic() + 10
    while True:
        try:
            with run_locks(archive_url, [slug]):
                return
        except LockHeld:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _wait_until(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)
