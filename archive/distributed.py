"""Distributed crawls: what the workers of one run share in Redis, Scrapy-free (docs/DEPLOYMENT.md).

scrapy-redis keeps the request queue and the duplicate filter in Redis; this module names those keys
and adds the little that a shared *run* needs on top:

* ``<prefix>:run`` — the id of the ``crawl_runs`` row every worker stores into (one run per distributed
  crawl: its counts add up over all workers); ``enqueue`` opens it, the worker that finds the crawl done
  (queue empty, nothing in flight anywhere) closes it and deletes the key, so the next ``enqueue`` opens a
  new run with a fresh duplicate filter.
* ``<prefix>:portals`` — slug → base URL of the portals enqueued in the run (locks, the loopback check, and
  the ad-hoc portals a worker's registry does not hold).
* ``<prefix>:inflight:<worker>`` — the requests a worker has taken and not finished; ``<prefix>:worker:<id>``
  expires when the worker stops renewing it (``kill -9``), and the first live worker to notice puts the
  dead one's requests back in the queue: a killed worker loses nothing.
* ``<prefix>:polite:<host>`` — the next moment (ms) a request may go to a host, shared by all workers.

Every step that must not be split (pop + mark in flight, filter + push, requeue) is one Lua script.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass

DEFAULT_PREFIX = "portal-archive"


class DistributedError(Exception):
    """Redis cannot be used for a distributed crawl; the message is one line for the user."""


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one deployment; several deployments (or tests) share a server by prefix."""

    prefix: str = DEFAULT_PREFIX

    @property
    def requests(self) -> str:  # sorted set: scrapy-redis's priority queue
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:  # set of request fingerprints (scrapy-redis RFPDupeFilter)
        return f"{self.prefix}:dupefilter"

    @property
    def identities(self) -> str:  # set of article identities already requested (archive/urls.identity)
        return f"{self.prefix}:identities"

    @property
    def run(self) -> str:
        return f"{self.prefix}:run"

    @property
    def portals(self) -> str:
        return f"{self.prefix}:portals"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    def worker(self, worker_id: str) -> str:
        return f"{self.prefix}:worker:{worker_id}"

    def inflight(self, worker_id: str) -> str:
        return f"{self.prefix}:inflight:{worker_id}"

    def polite(self, host: str) -> str:
        return f"{self.prefix}:polite:{host}"


def connect(redis_url: str):
    """A client for ``redis_url`` that answered PING, or DistributedError in one line."""
    import redis

    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise DistributedError(f"not a Redis URL: {redis_url!r} (expected redis://HOST:PORT/DB)")
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=10)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise DistributedError(f"cannot reach Redis at {redis_url}: {exc}") from None
    return client


def new_worker_id() -> str:
    """host-pid-random: readable in ``redis-cli KEYS``, unique across machines and restarts."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


# Take the best request and mark it in flight for this worker, at once: a worker killed between
# the two steps would otherwise lose the request (the duplicate filter keeps it from coming back).
# Nothing for a worker of a run that has ended (ARGV[1]): the queue may already hold the next run's.
POP = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return false end
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
redis.call('HSET', KEYS[2], found[1], found[2])
return found[1]
"""

# Push a request unless its fingerprint (or, for a spider-made page request, its article identity)
# was seen: ARGV = fingerprint, score, data, identity ('' = none).
PUSH = """
if ARGV[4] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[4]) == 1 then return 0 end
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[4] ~= '' then redis.call('SADD', KEYS[3], ARGV[4]) end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Put a worker's in-flight requests back in the queue and forget the worker; only one caller gets them.
REQUEUE = """
local taken = redis.call('HGETALL', KEYS[1])
for i = 1, #taken, 2 do redis.call('ZADD', KEYS[2], taken[i + 1], taken[i]) end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
return #taken / 2
"""

# The wait (ms) before the caller may send a request to a host, and the slot after it taken: requests
# to one host, from all workers together, are at least ARGV[1] ms apart.
POLITE_SLOT = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local slot = math.max(ms, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
return slot - ms
"""

# Delete the run key only if it still names this run: exactly one worker closes the run.
END_RUN = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
  return 1
end
return 0
"""


class Coordinator:
    """One process's view of the shared state: a worker, or ``enqueue``."""

    def __init__(self, client, keys: Keys):
        self.redis, self.keys = client, keys
        self._pop, self._push = client.register_script(POP), client.register_script(PUSH)
        self._requeue, self._slot = client.register_script(REQUEUE), client.register_script(POLITE_SLOT)
        self._end = client.register_script(END_RUN)

    # -- the run ---------------------------------------------------------------------------------

    def current_run(self) -> int | None:
        value = self.redis.get(self.keys.run)
        return int(value) if value and int(value) > 0 else None

    def claim_new_run(self) -> bool:
        """True for the one caller that may open a run now (none is open); it must then ``set_run``."""
        if not self.redis.set(self.keys.run, 0, nx=True):
            return False
        # A new run starts from scratch: the last run's filters would skip every page.
        self.redis.delete(self.keys.dupefilter, self.keys.identities, self.keys.portals)
        return True

    def set_run(self, run_id: int) -> None:
        self.redis.set(self.keys.run, run_id)

    def add_portals(self, base_urls: dict[str, str]) -> None:
        if base_urls:
            self.redis.hset(self.keys.portals, mapping=base_urls)

    def portals(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.redis.hgetall(self.keys.portals).items()}

    def end_run(self, run_id: int) -> bool:
        """True for the one worker that closes the run (and clears its filters)."""
        keys = [self.keys.run, self.keys.dupefilter, self.keys.identities, self.keys.portals]
        return bool(self._end(keys=keys, args=[run_id]))

    # -- the queue -------------------------------------------------------------------------------

    def push(self, fingerprint: str, score: float, data: bytes, identity: str | None = None) -> bool:
        keys = [self.keys.dupefilter, self.keys.requests, self.keys.identities]
        return bool(self._push(keys=keys, args=[fingerprint, score, data, identity or ""]))

    def pop(self, worker_id: str, run_id: int) -> bytes | None:
        """The best request of run ``run_id``, marked in flight for this worker; None if none (or the run ended)."""
        return self._pop(keys=[self.keys.requests, self.keys.inflight(worker_id), self.keys.run], args=[run_id]) or None

    def done(self, worker_id: str, data: list[bytes]) -> None:
        if data:
            self.redis.hdel(self.keys.inflight(worker_id), *data)

    def queued(self) -> int:
        return self.redis.zcard(self.keys.requests)

    # -- workers ---------------------------------------------------------------------------------

    def heartbeat(self, worker_id: str, ttl: float) -> None:
        """Register (again) as alive for ``ttl`` seconds."""
        self.redis.sadd(self.keys.workers, worker_id)
        self.redis.set(self.keys.worker(worker_id), 1, px=int(ttl * 1000))

    def leave(self, worker_id: str) -> int:
        """Stop working: what is still in flight goes back to the queue; the count."""
        return self._requeue_of(worker_id)

    def requeue_dead(self) -> int:
        """Give the requests of workers that stopped renewing their heartbeat back to the queue."""
        dead = [w.decode() for w in self.redis.smembers(self.keys.workers) if not self.redis.exists(self.keys.worker(w.decode()))]
        return sum(self._requeue_of(worker) for worker in dead)

    def _requeue_of(self, worker_id: str) -> int:
        keys = [self.keys.inflight(worker_id), self.keys.requests, self.keys.workers, self.keys.worker(worker_id)]
        return int(self._requeue(keys=keys, args=[worker_id]))

    def busy(self) -> bool:
        """Work is left: requests queued, or taken by a worker (alive, or dead and not yet requeued)."""
        if self.queued():
            return True
        return any(self.redis.hlen(self.keys.inflight(w.decode())) for w in self.redis.smembers(self.keys.workers))

    # -- politeness ------------------------------------------------------------------------------

    def polite_wait(self, host: str, delay: float) -> float:
        """Seconds to wait before this request to ``host`` so that all workers together keep ``delay``."""
        return int(self._slot(keys=[self.keys.polite(host)], args=[int(delay * 1000)])) / 1000


__all__ = ["DEFAULT_PREFIX", "Coordinator", "DistributedError", "Keys", "connect", "new_worker_id"]
