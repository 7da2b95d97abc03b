"""Score article extractors on the evaluation corpus: same pages, same process, same run.

Usage::

    python benchmarks/extract_eval.py --corpus ../shared/corpus/pages [--write BENCHMARKS.md]
                                      [--repeat N] [--repeat-trafilatura M] [--json OUT] [--verbose]

The corpus is a directory of cases ``<case>/{input.html, meta.json, expected.json}`` (see the
corpus README). Three extractors run on every case: portal-archive (``ours``), trafilatura and
readability-lxml. The modules of this benchmark:

* ``benchmarks/extract_scoring.py`` -- the corpus model and the metric definitions (``norm``, the
  fields and how each is scored).
* ``benchmarks/extract_runners.py`` -- the extractor adapters (how each output becomes a prediction,
  the article-vs-not rule of the third-party extractors), timing and robustness.
* ``benchmarks/report.py`` -- machine description and the BENCHMARKS.md section writer, shared by
  all benchmarks.
* this file -- the command line, the table and the notes of the ``extract-eval`` section.

Throughput: each extractor gets one untimed warm-up call, then ``--repeat`` passes over all cases
(trafilatura ``--repeat-trafilatura``, default 1, because it is slow); the best pass gives pages/s.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: `python benchmarks/extract_eval.py`
    sys.path.insert(0, str(REPO))

from benchmarks.extract_runners import ALIASES, EXTRACTORS, RUNNERS, lxml_rate, run_extractor, safe_run  # noqa: E402
from benchmarks.extract_scoring import (  # noqa: E402
    FIELDS,  # re-exported: tests/test_corpus_eval.py imports FIELDS and score_extractor from here
    INFO_FIELDS,
    REPAIR_SOURCE,
    Case,
    date_as_midnight_score,
    denominators,
    failures,
    load_cases,
    repair_errors,
    score,
)
from benchmarks.report import describe_machine, fmt, machine_info, plural, repo_relative, run_date, write_section  # noqa: E402

SECTION_START = "<!-- extract-eval:start -->"
SECTION_END = "<!-- extract-eval:end -->"
PACKAGES = ("lxml", "trafilatura", "readability-lxml")  # versions reported next to portal-archive's


# --------------------------------------------------------------------------- running


def score_extractor(corpus_dir: str | os.PathLike, extractor_name: str = "ours") -> dict[str, float | None]:
    """Scores of one extractor on a corpus (one untimed pass); for the tests."""
    name = ALIASES.get(extractor_name, extractor_name)
    if name not in RUNNERS:
        raise ValueError(f"unknown extractor {extractor_name!r}; choose from {', '.join(EXTRACTORS)}")
    cases = load_cases(corpus_dir)
    return score(cases, [safe_run(RUNNERS[name], c) for c in cases])


def evaluate(cases: list[Case], repeat: int, repeat_trafilatura: int) -> dict[str, Any]:
    passes = {"ours": repeat, "trafilatura": repeat_trafilatura, "readability": repeat, "lxml": repeat}
    preds, rates, scores, errors, first_errors = {}, {}, {}, {}, {}
    for name in EXTRACTORS:
        print(f"running {name} ({plural(passes[name], 'pass', 'passes')}) …", file=sys.stderr)
        preds[name], rates[name] = run_extractor(name, cases, passes[name])
        scores[name] = score(cases, preds[name])
        errs = [(c.id, p.error) for c, p in zip(cases, preds[name]) if p.error]
        errors[name] = len(errs)
        first_errors[name] = errs[:5]
    return {
        "predictions": preds,
        "scores": scores,
        "pages_per_s": rates,
        "lxml_pages_per_s": lxml_rate(cases, repeat),
        "trafilatura_datePublished_as_midnight": date_as_midnight_score(cases, preds["trafilatura"]),
        "errors": errors,
        "first_errors": first_errors,
        "passes": passes,
    }


# --------------------------------------------------------------------------- table and section


def column_titles(info: dict[str, str]) -> dict[str, str]:
    return {
        "ours": "portal-archive",
        "trafilatura": f"trafilatura {info['trafilatura']}",
        "readability": f"readability-lxml {info['readability-lxml']}",
    }


ROW_LABELS = {
    "article_vs_not": "article vs not ({n} pages)",
    "headline": "headline exact ({n} articles)",
    "datePublished": "datePublished exact¹ ({n} articles)",
    "authors": "authors, set ({n} articles)",
    "body_start": "body starts with expected ({n} articles)",
    "body_end": "body ends with expected ({n} articles)",
    "with": "`with` sentences found ({n})",
    "without": "`without` strings absent ({n})",
    "datePublished_day": "*info:* datePublished, same local day³ ({n} articles)",
    "body_start_found": "*info:* expected start found anywhere² ({n} articles)",
    "body_end_found": "*info:* expected end found anywhere² ({n} articles)",
}


def render_table(
    scores: dict[str, dict[str, float | None]],
    rates: dict[str, float | None],
    errors: dict[str, int],
    denoms: dict[str, int],
    titles: dict[str, str],
    passes: dict[str, int],
) -> str:
    names = [n for n in EXTRACTORS if n in scores]
    lines = ["| field | " + " | ".join(titles[n] for n in names) + " |", "|---" * (len(names) + 1) + "|"]
    for f in FIELDS + INFO_FIELDS:
        cells = [fmt(scores[n].get(f)) for n in names]
        lines.append(f"| {ROW_LABELS[f].format(n=denoms.get(f, 0))} | " + " | ".join(cells) + " |")
    lines.append("| pages/s (best pass) | " + " | ".join(
        f"{fmt(rates.get(n), 1)} ({plural(passes[n], 'pass', 'passes')})" for n in names) + " |")
    base = rates.get("trafilatura")
    lines.append("| pages/s ÷ trafilatura's | " + " | ".join(
        f"{rates[n] / base:.2f}×" if base and rates.get(n) else "–" for n in names) + " |")
    lines.append("| exceptions (cases) | " + " | ".join(str(errors.get(n, 0)) for n in names) + " |")
    return "\n".join(lines)


NOTES = """\
Metric rules (details in the docstring of `benchmarks/extract_scoring.py`):
- Text comparisons use `norm()`: NFC, `repair_entity_debris`, whitespace collapsed to single spaces — on BOTH the
  expected and the extracted string. The CMS stripped `&` from entities ("vai trograve;" for "vai trò"); the corpus keeps
  that damage verbatim while the extractor must repair it, so both sides are repaired to compare meaning, not damage.
  Entity repair used in this run: {repair}.
- article vs not: over all pages; "article" iff the case kind is `article` (listings, home, static, WebSphere home are not).
  trafilatura and readability-lxml have no such decision; one rule for both: an article iff the extracted text is non-empty
  (a length threshold was rejected: 12 corpus articles are attachment-only/short, while every listing has long text).
  readability-lxml text = `text_content()` of `summary()` with block elements joined by newlines.
- All other rows are over article pages only; an article the extractor rejects gets empty fields (its `with`
  sentences count as missed, its `without` strings as absent).
- ¹ datePublished: the exact instant (`datetime.fromisoformat`, aware, compared as instants). trafilatura outputs only a day
  ("YYYY-MM-DD"): it is counted correct when that day equals the expected local (+07:00) day — a looser rule than ours.
  Read as the instant 00:00 +07:00 instead, its dates score {traf_midnight} (docs/ANCHORS.md's rule: right only for articles
  shown as "12:00 AM"). readability-lxml has no date output, and its `author()` gives "[no-author]" (read as []).
- ² Informational, not acceptance fields: the expected start / end found anywhere in the body (the "found" rule of
  docs/ANCHORS.md section d, for comparison with its figures).
- ³ Informational: the date part of the extracted value, in the expected +07:00 offset, equals the expected day — the same
  rule for every extractor (the like-for-like date comparison with trafilatura, used by the "ours ≥ trafilatura" test).
- authors: set of normalised names equal to the expected set; `[]` = `[]` is correct (so "always empty" scores the share of
  articles without a credited author). trafilatura's author string is split on ";" and ",".
- body start / end: the normalised body starts / ends with the expected ~80-character start / end (nothing may follow the end:
  no signature, related list or page chrome).
- `with`: recall of the expected sentences in the normalised body, pooled over articles. `without`: share of (article,
  boilerplate string) pairs absent from the body, pooled.
- Throughput: inputs read into memory first; only extractor calls are timed (ours: `extract_article(...).to_dict()`;
  readability: including the HTML-to-text conversion); one untimed warm-up call each; pages/s of the best pass; single process.
- Exceptions are caught per page and count as a failed (not-an-article) prediction."""


def render_notes(report: dict[str, Any]) -> str:
    notes = NOTES.format(repair=report["entity_repair"], traf_midnight=fmt(report.get("trafilatura_datePublished_as_midnight")))
    if report.get("repair_errors"):
        notes += f"\n- `repair_entity_debris` raised on {report['repair_errors']} strings; they were compared unrepaired."
    return notes


def render_section(report: dict[str, Any], table: str) -> str:
    lxml_line = f"Bare `lxml.html.fromstring` over the same bytes: {fmt(report['lxml_pages_per_s'], 0)} pages/s (best of {report['passes']['lxml']} passes)."
    ratio = report.get("ratio_ours_vs_trafilatura")
    return "\n".join([
        SECTION_START,
        "## Extraction benchmark (`benchmarks/extract_eval.py`)",
        "",
        f"Reproduce (from the repository root): `{report['command']}`",
        "",
        f"Run: {report['date']} · corpus `{report['corpus']}` ({report['n_cases']} pages, {report['n_articles']} articles) · "
        f"machine: {describe_machine(report['machine'])}",
        "",
        table,
        "",
        lxml_line + (f" portal-archive is {ratio:.2f}× trafilatura's pages/s." if ratio else ""),
        "",
        render_notes(report),
        SECTION_END,
    ])


# --------------------------------------------------------------------------- main


def _command(args: argparse.Namespace) -> str:
    """The command that reproduces this section, run from the repository root."""
    parts = ["--corpus", repo_relative(args.corpus)]
    if args.repeat != 3:
        parts += ["--repeat", str(args.repeat)]
    if args.repeat_trafilatura != 1:
        parts += ["--repeat-trafilatura", str(args.repeat_trafilatura)]
    if args.write:
        parts += ["--write", repo_relative(args.write)]
    return ".venv/bin/python benchmarks/extract_eval.py " + shlex.join(parts)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Score portal-archive, trafilatura and readability-lxml on an extraction corpus.")
    ap.add_argument("--corpus", required=True, help="corpus directory: <case>/{input.html,meta.json,expected.json}")
    ap.add_argument("--write", metavar="BENCHMARKS.md", help="replace (or append) the extract-eval section of this Markdown file")
    ap.add_argument("--repeat", type=int, default=3, metavar="N", help="timed passes for ours, readability and lxml (default 3; best pass counts)")
    ap.add_argument("--repeat-trafilatura", type=int, default=1, metavar="M", help="timed passes for trafilatura (default 1)")
    ap.add_argument("--json", metavar="OUT", help="write the scores as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every failure of ours (case, field, expected vs got)")
    return ap.parse_args(argv)


def _load_corpus(corpus: str) -> list[Case] | None:
    """The cases of the corpus; None (after an error message) when there are none to run."""
    if not Path(corpus).is_dir():
        print(f"extract_eval: error: corpus directory not found: {corpus}", file=sys.stderr)
        return None
    try:
        cases = load_cases(corpus)
    except (OSError, ValueError) as exc:
        print(f"extract_eval: error: cannot load corpus {corpus}: {exc}", file=sys.stderr)
        return None
    if not cases:
        print(f"extract_eval: error: no cases (<case>/input.html) in {corpus}", file=sys.stderr)
        return None
    return cases


def _build_report(args: argparse.Namespace, cases: list[Case], result: dict[str, Any], info: dict[str, str]) -> dict[str, Any]:
    rates = result["pages_per_s"]
    denoms = denominators(cases)  # before repair_errors(): it normalises the expected strings too
    return {
        "command": _command(args),
        "date": run_date(),
        "corpus": repo_relative(args.corpus),
        "n_cases": len(cases),
        "n_articles": sum(c.is_article for c in cases),
        "machine": info,
        "entity_repair": REPAIR_SOURCE,
        "repair_errors": repair_errors(),
        "denominators": denoms,
        "scores": result["scores"],
        "pages_per_s": rates,
        "lxml_pages_per_s": result["lxml_pages_per_s"],
        "trafilatura_datePublished_as_midnight": result["trafilatura_datePublished_as_midnight"],
        "ratio_ours_vs_trafilatura": rates["ours"] / rates["trafilatura"] if rates.get("ours") and rates.get("trafilatura") else None,
        "passes": result["passes"],
        "exceptions": result["errors"],
        "first_exceptions": result["first_errors"],
    }


def _print_summary(table: str, report: dict[str, Any], result: dict[str, Any]) -> None:
    print(table)
    print(f"\nbare lxml.html.fromstring: {fmt(result['lxml_pages_per_s'], 0)} pages/s; entity repair: {REPAIR_SOURCE}")
    if report["ratio_ours_vs_trafilatura"]:
        print(f"portal-archive / trafilatura pages/s: {report['ratio_ours_vs_trafilatura']:.2f}×")
    for name in EXTRACTORS:
        if result["errors"][name]:
            print(f"{name}: {result['errors'][name]} exceptions, e.g. {result['first_errors'][name][0][0]}: {result['first_errors'][name][0][1]}")


def _print_failures(cases: list[Case], result: dict[str, Any]) -> None:
    fails = failures(cases, result["predictions"]["ours"])
    print(f"\nfailures of portal-archive ({len(fails)}):")
    for f in fails:
        print(f"  {f.case}  {f.field}\n      expected: {f.expected}\n      got:      {f.got}")


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    cases = _load_corpus(args.corpus)
    if cases is None:
        return 2

    result = evaluate(cases, args.repeat, args.repeat_trafilatura)
    info = machine_info(PACKAGES)
    report = _build_report(args, cases, result, info)
    table = render_table(result["scores"], result["pages_per_s"], result["errors"], report["denominators"], column_titles(info), result["passes"])

    _print_summary(table, report, result)
    if args.verbose:
        _print_failures(cases, result)
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.write:
        write_section(args.write, render_section(report, table), SECTION_START, SECTION_END)
        print(f"wrote section to {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
