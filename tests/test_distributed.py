"""Distributed crawls (spiders/distributed.py, archive/distributed.py): Redis + PostgreSQL, for real.

Three `portal-archive crawl --distributed` worker processes crawl the sample portal into one PostgreSQL
archive; it must equal a single-process crawl (same identities, same content, one version each), also
when one worker is killed with -9 in the middle. With CI=true a missing Redis or PostgreSQL fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from conftest import ROOT, _service_missing, postgres_database, run_cli
from sqlalchemy import create_engine, text

from archive.distributed import Coordinator, Keys
from archive.locks import LockHeld, run_locks
from archive.sample import serve
from archive.store import Archive

REDIS_URL = os.environ.get("PORTAL_ARCHIVE_TEST_REDIS", "redis://127.0.0.1:6379/0")
WORKERS = 3


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own on the shared Redis; its keys are deleted afterwards."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
    except ImportError:
        _service_missing("redis (the redis extra)")
    except redis.RedisError:
        _service_missing(f"Redis at {REDIS_URL}")
    prefix = f"pa-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def _articles(url: str) -> dict[str, tuple[str, int]]:
    """identity -> (content hash, version count) of every stored article."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT a.identity, a.content_hash, count(v.id) FROM articles a "
                                     "JOIN article_versions v ON v.article_id = a.id GROUP BY a.id")).all()
    finally:
        engine.dispose()
    return {identity: (digest, versions) for identity, digest, versions in rows}


def _worker(archive: str, prefix: str, warc_dir, log, idle_timeout: float = 1) -> subprocess.Popen:
    env = {**os.environ, "PORTAL_ARCHIVE_REDIS_WORKER_TTL": "2"}  # a killed worker is found dead within 2 s
    return subprocess.Popen([sys.executable, "-m", "archive", "crawl", "--distributed", REDIS_URL, "--redis-prefix", prefix,
                             "--archive", archive, "--warc-dir", str(warc_dir), "--no-politeness",
                             "--idle-timeout", str(idle_timeout), "--log-file", str(log)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample portal (its one slow article takes 2 s) and what a single-process crawl stores of it."""
    folder = tmp_path_factory.mktemp("single")
    with serve(slow_seconds=2) as server, postgres_database("pa_dist") as url:
        proc = run_cli("crawl", server.url + "/", "--archive", url, "--warc-dir", str(folder / "warc"), "--no-politeness",
                       timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        yield server, _articles(url)


def _crawl_distributed(server, archive, prefix, folder, kill_one: bool = False, enqueue_options=()) -> None:
    enqueued = run_cli("enqueue", "--url", server.url + "/", "--redis", REDIS_URL, "--redis-prefix", prefix,
                       "--archive", archive, *enqueue_options)
    assert enqueued.returncode == 0, enqueued.stderr[-2000:]
    workers = [_worker(archive, prefix, folder / "warc", folder / f"worker{i}.log") for i in range(WORKERS)]
    killed = _kill_one_busy_worker(workers, prefix) if kill_one else None
    for worker in workers:
        worker.wait(timeout=120)
    survivors = [w for w in workers if w.pid != killed]
    assert all(w.returncode == 0 for w in survivors), [w.stderr.read()[-2000:] for w in survivors]
    if kill_one:  # what the killed worker had taken was fetched again by another
        logs = " ".join((folder / f"worker{i}.log").read_text() for i in range(WORKERS))
        assert "requests of a dead worker back in the queue" in logs


def _kill_one_busy_worker(workers, prefix) -> int:
    """kill -9 a worker while it holds requests in flight (the slow article is one of them, for 2 s)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for worker in workers:
            holding = [k for k in client.scan_iter(f"{prefix}:inflight:*-{worker.pid}-*") if client.hlen(k)]
            if holding and client.zcard(f"{prefix}:requests") + sum(client.hlen(k) for k in client.scan_iter(f"{prefix}:inflight:*")) > 3:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
                return worker.pid
        time.sleep(0.02)
    pytest.fail("no worker ever held a request in flight")


@pytest.mark.parametrize("kill_one", [False, True], ids=["three-workers", "one-killed"])
def test_three_workers_store_what_one_process_stores(sample, redis_prefix, kill_one, tmp_path):
    server, expected = sample
    with postgres_database("pa_dist") as archive:
        _crawl_distributed(server, archive, redis_prefix, tmp_path, kill_one)
        stored = _articles(archive)
        with Archive.open(archive) as opened:
            (run,) = opened.runs()
    assert stored == expected  # same identities, same content, one version each
    assert run["status"] == "finished" and run["settings"]["distributed"] == redis_prefix
    assert run["counts"]["articles_new"] == len(expected)
    keys = Keys(redis_prefix)
    import redis

    coordinator = Coordinator(redis.Redis.from_url(REDIS_URL), keys)
    assert coordinator.queued() == 0 and not coordinator.busy() and coordinator.current_run() is None


def test_two_stores_of_one_article_at_once_give_one_row_and_one_version(pg_url):
    """Distributed workers race on the same article, author and portal: constraints and upserts, not luck."""
    article = {"url": "http://p.example/a/1", "headline": "Một bài", "articleBody": "Nội dung", "portal": "p",
               "authors": [{"name": "Nguyễn Văn A"}]}
    with Archive.open(pg_url) as archive:
        run_id = archive.start_run("p")
        identities = [f"p.example/a/{i}" for i in range(30)]
        outcomes, errors = [], []
        barrier = threading.Barrier(2)

        def store():
            barrier.wait()
            try:
                outcomes.extend(archive.store_article(run_id, {**article, "url": f"http://{key}"}, key) for key in identities)
            except Exception as exc:  # noqa: BLE001 — the test reports it
                errors.append(exc)

        threads = [threading.Thread(target=store) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        assert outcomes.count("new") == len(identities) and outcomes.count("unchanged") == len(identities)
        assert archive.count_articles() == len(identities)
        assert all(len(archive.get_versions(archive.get_article(key)["id"])) == 1 for key in identities)
        assert archive.run(run_id)["counts"]["articles_new"] == len(identities)


def test_workers_share_a_portal_lock_that_a_single_process_run_cannot_take(pg_url):
    with run_locks(pg_url, ["p"], shared=True), run_locks(pg_url, ["p"], shared=True):
        with pytest.raises(LockHeld):
            with run_locks(pg_url, ["p"]):
                pass
    with run_locks(pg_url, ["p"]):
        with pytest.raises(LockHeld):
            with run_locks(pg_url, ["p"], shared=True):
                pass


def test_requests_to_one_host_from_all_workers_keep_the_delay(redis_prefix):
    import redis

    coordinators = [Coordinator(redis.Redis.from_url(REDIS_URL), Keys(redis_prefix)) for _ in range(3)]
    waits = [c.polite_wait("portal.example", 0.5) for c in coordinators]
    assert waits[0] == 0 and 0.4 <= waits[1] <= 0.5 and 0.9 <= waits[2] <= 1.0
    assert coordinators[0].polite_wait("other.example", 0.5) == 0  # hosts do not wait for each other


def test_the_politeness_middleware_spaces_the_requests_of_all_workers_to_one_host(redis_prefix):
    import asyncio

    import redis
    from scrapy import Request

    from spiders.distributed import SharedPolitenessMiddleware

    workers = [SharedPolitenessMiddleware(Coordinator(redis.Redis.from_url(REDIS_URL), Keys(redis_prefix)), 0.2)
               for _ in range(3)]

    async def send(middleware):
        await middleware.process_request(Request("http://portal.example/a"))
        return time.monotonic()

    async def two_requests_each():
        return await asyncio.gather(*(send(worker) for worker in workers for _ in range(2)))

    sent = sorted(asyncio.run(two_requests_each()))
    assert all(later - earlier >= 0.15 for earlier, later in zip(sent, sent[1:]))  # 0.2 s apart, with clock slack
    assert sent[-1] - sent[0] < 1.5


def test_a_dead_workers_requests_go_back_to_the_queue_once(redis_prefix):
    import redis

    alive, other = (Coordinator(redis.Redis.from_url(REDIS_URL), Keys(redis_prefix)) for _ in range(2))
    alive.set_run(5)
    assert alive.push("fp1", 0, b"request-1") and alive.push("fp2", 0, b"request-2", identity="site/a")
    assert not alive.push("fp1", 0, b"request-1 again") and not alive.push("fp3", 0, b"print view", identity="site/a")
    alive.heartbeat("dead", ttl=0.05)
    assert alive.pop("dead", 4) is None  # a worker of an ended run takes nothing
    assert alive.pop("dead", 5) == b"request-1" and alive.queued() == 1 and alive.busy()
    time.sleep(0.1)  # its heartbeat expires
    assert alive.requeue_dead() == 1 and other.requeue_dead() == 0  # one worker gets them back, once
    assert sorted([alive.pop("me", 5), alive.pop("me", 5)]) == [b"request-1", b"request-2"] and alive.pop("me", 5) is None
    alive.done("me", [b"request-1", b"request-2"])
    assert not alive.busy()


def test_exactly_one_worker_closes_the_run(redis_prefix):
    import redis

    workers = [Coordinator(redis.Redis.from_url(REDIS_URL), Keys(redis_prefix)) for _ in range(3)]
    assert workers[0].claim_new_run() and not workers[1].claim_new_run()
    workers[0].set_run(7)
    assert [w.end_run(7) for w in workers] == [True, False, False] and workers[0].current_run() is None


@pytest.mark.parametrize("args, message", [
    (["crawl", "--distributed", REDIS_URL, "--archive", "sqlite:///x.db"], "need a PostgreSQL archive"),
    (["enqueue", "--all", "--redis", REDIS_URL, "--archive", "sqlite:///x.db"], "need a PostgreSQL archive"),
    (["crawl", "--distributed", "redis://127.0.0.1:1/0", "--archive", "postgresql+psycopg://u@127.0.0.1/x"],
     "cannot reach Redis at redis://127.0.0.1:1/0"),
    (["crawl", "--distributed", "http://127.0.0.1/", "--archive", "postgresql+psycopg://u@127.0.0.1/x"], "not a Redis URL"),
    (["crawl", "--distributed", REDIS_URL, "--all", "--archive", "postgresql+psycopg://u@127.0.0.1/x"],
     "takes no URL, --portal or --all"),
])
def test_bad_distributed_input_is_one_line_and_exit_2(args, message, tmp_path):
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_worker_with_nothing_enqueued_waits_its_idle_timeout_then_says_so(pg_url, redis_prefix, tmp_path):
    started = time.monotonic()
    proc = run_cli("crawl", "--distributed", REDIS_URL, "--redis-prefix", redis_prefix, "--archive", pg_url,
                   "--warc-dir", str(tmp_path), "--idle-timeout", "1.5")
    assert time.monotonic() - started >= 1.5
    assert proc.returncode == 0, proc.stderr  # nothing to do is not a failure (a cron line, a systemd unit)
    assert proc.stderr.strip() == (f"nothing to crawl: no run was enqueued in Redis under {redis_prefix!r} within "
                                   "1.5 s (portal-archive enqueue)")


def test_a_worker_started_before_enqueue_waits_for_the_run(sample, redis_prefix, tmp_path):
    server, expected = sample
    with postgres_database("pa_dist") as archive:
        early = _worker(archive, redis_prefix, tmp_path / "warc", tmp_path / "early.log", idle_timeout=20)
        time.sleep(2)
        assert early.poll() is None, early.stderr.read()  # still waiting: nothing is enqueued yet
        _crawl_distributed(server, archive, redis_prefix, tmp_path)
        early.wait(timeout=120)
        assert early.returncode == 0, early.stderr.read()[-2000:]
        assert _articles(archive) == expected
        with Archive.open(archive) as opened:
            assert [r["status"] for r in opened.runs()] == ["finished"]


def test_a_repeat_distributed_run_is_incremental_unless_enqueued_full(sample, redis_prefix, tmp_path):
    """The second run of the unchanged sample portal re-validates what the archive holds, as a repeat single-process
    crawl does: every article unchanged, a small share of the first run's bytes; `enqueue --full` fetches all again."""
    server, expected = sample
    with postgres_database("pa_dist") as archive:
        runs = []
        for options in ((), (), ("--full",)):
            before = server.bytes_sent
            _crawl_distributed(server, archive, redis_prefix, tmp_path, enqueue_options=options)
            with Archive.open(archive) as opened:
                runs.append((opened.runs()[0], server.bytes_sent - before))
        assert _articles(archive) == expected  # one version each: nothing changed, nothing was stored twice
    (first, first_bytes), (second, second_bytes), (full, full_bytes) = runs
    assert first["counts"]["articles_new"] == len(expected) and first["settings"]["incremental"] == []
    assert second["settings"]["incremental"] == ["127.0.0.1"] and second["settings"]["full"] is False
    # Re-validated, not stored again; paging stops at known articles, so the oldest are not even asked about.
    assert 0 < second["counts"]["articles_unchanged"] <= len(expected), second["counts"]
    assert second["counts"]["articles_new"] == second["counts"]["articles_changed"] == 0
    assert second_bytes <= 0.1 * first_bytes, (second_bytes, first_bytes)
    assert full["settings"]["full"] is True and full_bytes > 0.9 * first_bytes
    assert full["counts"]["articles_unchanged"] == len(expected)
