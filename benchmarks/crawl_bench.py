"""Crawl throughput and memory: portal-archive's full pipeline against a bare Scrapy spider, same mirror, same run.

Both crawl a site mirror served on 127.0.0.1 with politeness off (loopback only). Ours extracts and
stores every article into a fresh SQLite archive; the bare spider (benchmarks/bare_spider.py) only
follows links. Reported: responses, elapsed seconds, pages/s, the ratio, peak RSS of each process
(GNU time), and `scrapy bench` for reference.

    python benchmarks/crawl_bench.py --site ../shared/corpus/sites/sotttt-dev [--write BENCHMARKS.md]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.mirror_server import CRAWL_FINISHED, MirrorServer, site_arguments  # noqa: E402
from benchmarks.report import REPO, describe_machine, machine_info, publish, repo_relative, run_date, site_command  # noqa: E402

SECTION_START, SECTION_END = "<!-- crawl-bench:start -->", "<!-- crawl-bench:end -->"
FAST = ["-s", "ROBOTSTXT_OBEY=False", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO"]


def timed(cmd: list[str], cwd: Path = REPO, finished: tuple[int, ...] = (0,)) -> tuple[float, int, str]:
    """Run ``cmd`` under GNU time: (elapsed seconds, peak RSS in KB, stderr); exit codes ``finished`` are success."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", *cmd], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in finished:
        raise SystemExit(f"crawl_bench: {cmd[0]} failed: {proc.stderr[-500:]}")
    rss = int(re.findall(r"MAXRSS (\d+)", proc.stderr)[-1])
    return elapsed, rss, proc.stderr


def responses(log: str) -> int:
    found = re.findall(r"'response_received_count': (\d+)", log)
    return int(found[-1]) if found else 0


def run_bare(start: str) -> dict:
    # Outside the repository: the bare spider must not pick up this project's settings and pipelines.
    with tempfile.TemporaryDirectory() as outside:
        elapsed, rss, log = timed([sys.executable, "-m", "scrapy", "runspider", str(REPO / "benchmarks" / "bare_spider.py"),
                                   "-a", f"start={start}", *FAST], cwd=Path(outside))
    return {"pages": responses(log), "seconds": elapsed, "rss_mb": rss / 1024}


def run_ours(start: str, archive: Path) -> dict:
    log_file = archive.with_suffix(".log")
    elapsed, rss, _ = timed([sys.executable, "-m", "archive", "crawl", start, "--archive", f"sqlite:///{archive}",
                             "--no-politeness", "--log-file", str(log_file)], finished=CRAWL_FINISHED)
    log = log_file.read_text(encoding="utf-8")
    articles = re.findall(r"'item_scraped_count': (\d+)", log)
    return {"pages": responses(log), "seconds": elapsed, "rss_mb": rss / 1024, "articles": int(articles[-1]) if articles else 0}


def scrapy_bench() -> str:
    proc = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", "CLOSESPIDER_TIMEOUT=10"], cwd=tempfile.gettempdir(),
                          capture_output=True, text=True)
    pages = re.findall(r"'response_received_count': (\d+)", proc.stderr)
    seconds = re.findall(r"'elapsed_time_seconds': ([\d.]+)", proc.stderr)
    return f"{int(pages[-1]) / float(seconds[-1]):.1f}" if pages and seconds else "n/a"


def render(site: Path, bare: dict, ours: dict, bench: str, command: str) -> str:
    rate = lambda r: r["pages"] / r["seconds"]  # noqa: E731
    return "\n".join([
        SECTION_START,
        "## Crawl throughput and memory (`benchmarks/crawl_bench.py`)",
        "",
        f"Reproduce (from the repository root): `{command}`",
        "",
        f"Run: {run_date()} · site `{repo_relative(site)}` served on 127.0.0.1 · politeness off (loopback) · "
        f"machine: {describe_machine(machine_info(('scrapy',)))}",
        "",
        "| crawl | responses | seconds (whole process) | pages/s | peak RSS |",
        "|---|---|---|---|---|",
        f"| bare Scrapy spider (LinkExtractor only) | {bare['pages']} | {bare['seconds']:.1f} | {rate(bare):.1f} | {bare['rss_mb']:.0f} MB |",
        f"| portal-archive crawl (extract + store {ours['articles']} articles) | {ours['pages']} | {ours['seconds']:.1f} "
        f"| {rate(ours):.1f} | {ours['rss_mb']:.0f} MB |",
        "",
        f"Ratio portal-archive / bare spider: **{rate(ours) / rate(bare):.2f}** (target ≥ 0.5); peak RSS target < 400 MB. "
        f"`scrapy bench` on this machine in the same run: {bench} pages/s.",
        "Seconds include process start-up for both. The bare spider follows every same-site link (no trap rules), so its",
        "response count differs from ours; pages/s compares work rates, not coverage.",
        SECTION_END,
    ])


def main(argv: list[str] | None = None) -> int:
    args = site_arguments("crawl_bench", __doc__.splitlines()[0], argv)
    with MirrorServer(args.site) as server, tempfile.TemporaryDirectory() as tmp:
        start = f"{server.url}/{args.start}"
        bare = run_bare(start)
        ours = run_ours(start, Path(tmp) / "archive.db")
    section = render(args.site, bare, ours, scrapy_bench(), site_command("crawl_bench.py", args.site, args.write))
    publish(section, args.write, SECTION_START, SECTION_END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
