"""Article-or-not over a whole mirrored portal: every page of a site mirror, judged against its manifest.

The extraction corpus has 71 hand-checked pages; a mirror such as ``../shared/corpus/sites/sotttt-dev``
has 1,165 pages whose MANIFEST.tsv gives each page's kind (article, listing, other) and live URL.
This run extracts every page with its live URL and counts how often ``isArticle`` agrees with the
manifest, plus articles with no headline, no date or an empty body, and pages/s over the whole site.

    python benchmarks/extract_site.py --site ../shared/corpus/sites/sotttt-dev [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import describe_machine, machine_info, publish, repo_relative, run_date, site_command  # noqa: E402
from spiders.extract import extract_article  # noqa: E402

SECTION_START, SECTION_END = "<!-- extract-site:start -->", "<!-- extract-site:end -->"


def load_manifest(site: Path) -> list[dict]:
    with (site / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh, delimiter="\t") if (site / row["path"]).is_file()]


def judge(site: Path, rows: list[dict]) -> tuple[Counter, list[str], float]:
    """Counts of (manifest kind, extractor's verdict) and article-field gaps; pages/s of the extraction."""
    pages = [((site / row["path"]).read_bytes(), row) for row in rows]
    counts: Counter = Counter()
    wrong: list[str] = []
    start = time.perf_counter()
    for raw, row in pages:
        result = extract_article(raw, url=row["url"])
        expected = row["kind"] == "article"
        counts[(row["kind"], result.isArticle)] += 1
        if result.isArticle != expected:
            wrong.append(f"{row['path']}: expected {row['kind']}, got {getattr(result, 'reason', 'article')}")
        elif result.isArticle:
            counts["no date"] += result.datePublished is None
            counts["empty body"] += not result.articleBody
            counts["with authors"] += bool(result.authors)
    return counts, wrong, len(pages) / (time.perf_counter() - start)


def render(site: Path, counts: Counter, rate: float, command: str) -> str:
    articles = sum(v for (k, ok), v in _pairs(counts) if k == "article")
    others = sum(v for (k, ok), v in _pairs(counts) if k != "article")
    found = counts[("article", True)]
    false_articles = sum(v for (k, ok), v in _pairs(counts) if k != "article" and ok)
    return "\n".join([
        SECTION_START,
        "## Article or not over a whole mirrored portal (`benchmarks/extract_site.py`)",
        "",
        f"Reproduce (from the repository root): `{command}`",
        "",
        f"Run: {run_date()} · site `{repo_relative(site)}` · machine: {describe_machine(machine_info())}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| article pages recognised | {found} / {articles} ({found / max(articles, 1):.3f}) |",
        f"| listing/other pages taken for articles | {false_articles} / {others} |",
        f"| articles without a date / with an empty body | {counts['no date']} / {counts['empty body']} |",
        f"| articles with at least one author | {counts['with authors']} |",
        f"| pages/s (whole site, one pass, single process) | {rate:.1f} |",
        "",
        "Empty bodies are real: the CMS published those articles with no text (a title, a date, perhaps an image).",
        SECTION_END,
    ])


def _pairs(counts: Counter):
    return [(key, value) for key, value in counts.items() if isinstance(key, tuple)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, type=Path, help="a mirror folder with MANIFEST.tsv")
    parser.add_argument("--write", help="replace this benchmark's section in a Markdown file")
    args = parser.parse_args(argv)
    if not (args.site / "MANIFEST.tsv").is_file():
        print(f"extract_site: no MANIFEST.tsv in {args.site}", file=sys.stderr)
        return 2
    counts, wrong, rate = judge(args.site, load_manifest(args.site))
    publish(render(args.site, counts, rate, site_command("extract_site.py", args.site, args.write)), args.write,
            SECTION_START, SECTION_END)
    for line in wrong:
        print("  disagrees:", line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
