"""A nightly re-crawl against the first crawl of the same unchanged portal: requests, bytes and wall time.

Serves a site mirror on 127.0.0.1 (benchmarks/mirror_server.py) and crawls it four times into one
fresh SQLite archive, politeness off (loopback): the first crawl (the archive is empty: everything),
a nightly re-crawl (incremental: lists re-read, known articles re-validated, paging stopped at
known articles), the same with the server's validators switched off (the listing stop and content
hashing alone, as on portals that send no Last-Modified), and a `--full` re-crawl. Requests and
response body bytes are counted by the server; seconds are the whole `portal-archive crawl` process.

    python benchmarks/recrawl_bench.py --site ../shared/corpus/sites/sotttt-dev [--write BENCHMARKS.md]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.store import Archive  # noqa: E402
from benchmarks.mirror_server import CRAWL_FINISHED, MirrorServer, site_arguments  # noqa: E402
from benchmarks.report import REPO, describe_machine, machine_info, publish, repo_relative, run_date, site_command  # noqa: E402

SECTION_START, SECTION_END = "<!-- recrawl-bench:start -->", "<!-- recrawl-bench:end -->"
RUNS = (("first crawl (empty archive)", True, ()),
        ("nightly re-crawl", True, ()),
        ("nightly re-crawl, server validators off", False, ()),
        ("re-crawl with `--full`", True, ("--full",)))


def crawl(server: MirrorServer, start: str, archive: str, options: tuple[str, ...]) -> dict:
    """One `portal-archive crawl` of the mirror: requests, bytes and statuses the server saw, seconds, run counts."""
    requests, sent = server.traffic()
    statuses = dict(server.statuses)
    began = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "archive", "crawl", start, "--archive", archive, "--no-politeness",
                           *options], cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if proc.returncode not in CRAWL_FINISHED:
        raise SystemExit(f"recrawl_bench: crawl failed ({proc.returncode}): {proc.stderr[-800:]}")
    now_requests, now_sent = server.traffic()
    with Archive.open(archive) as opened:
        counts = opened.runs(1)[0]["counts"]
    return {"requests": now_requests - requests, "bytes": now_sent - sent, "seconds": seconds, "counts": counts,
            "statuses": {code: n - statuses.get(code, 0) for code, n in server.statuses.items() if n > statuses.get(code, 0)}}


def row(name: str, run: dict, first: dict) -> str:
    c = run["counts"]
    statuses = ", ".join(f"{n} × {code}" for code, n in sorted(run["statuses"].items()))
    return (f"| {name} | {run['requests']} | {run['requests'] / first['requests']:.2f} | {run['bytes'] / 1e6:.1f} MB "
            f"| {run['bytes'] / first['bytes']:.3f} | {run['seconds']:.1f} | {run['seconds'] / first['seconds']:.2f} "
            f"| {c['articles_new']} / {c['articles_changed']} / {c['articles_unchanged']} | {statuses} |")


def render(site: Path, runs: list[dict], command: str) -> str:
    first, nightly, bare, full = runs
    return "\n".join([
        SECTION_START,
        "## Nightly re-crawl against the first crawl (`benchmarks/recrawl_bench.py`)",
        "",
        f"Reproduce (from the repository root): `{command}`",
        "",
        f"Run: {run_date()} · site `{repo_relative(site)}` served on 127.0.0.1 · politeness off (loopback) · "
        f"machine: {describe_machine(machine_info(('scrapy',)))}",
        "",
        "Four crawls of the unchanged mirror into one archive, in this order. Requests and body bytes are counted by "
        "the server; ratios are to the first crawl; seconds are the whole `portal-archive crawl` process.",
        "",
        "| crawl | requests | ratio | body bytes | ratio | seconds | ratio | articles new / changed / unchanged "
        "| responses |",
        "|---|---|---|---|---|---|---|---|---|",
        *(row(name, run, first) for (name, _, _), run in zip(RUNS, runs)),
        "",
        f"The nightly re-crawl downloads **{nightly['bytes'] / first['bytes']:.1%}** of the first crawl's bytes "
        f"with **{nightly['requests'] / first['requests']:.0%}** of its requests (target: ≤ 10 % of the bytes).",
        "The mirror is static files: it sends `Last-Modified` (file times) and answers `If-Modified-Since` with 304, "
        "but sends no `ETag`, so the nightly row measures conditional requests on `Last-Modified` plus the stop of "
        "paging at known articles; with validators off every re-validated article is fetched in full and hashed, "
        "so what is left to save is the paging stop and the links of known articles, not followed again. The mirror holds no attachment files: their 404s are part of "
        "every crawl.",
        SECTION_END,
    ])


def main(argv: list[str] | None = None) -> int:
    args = site_arguments("recrawl_bench", __doc__.splitlines()[0], argv)
    runs = []
    with MirrorServer(args.site) as server, tempfile.TemporaryDirectory() as tmp:
        archive = f"sqlite:///{Path(tmp) / 'archive.db'}"
        for _, validators, options in RUNS:
            server.validators = validators
            runs.append(crawl(server, f"{server.url}/{args.start}", archive, options))
    section = render(args.site, runs, site_command("recrawl_bench.py", args.site, args.write))
    publish(section, args.write, SECTION_START, SECTION_END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
