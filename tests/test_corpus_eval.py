"""Acceptance floors of the extractor on the evaluation corpus (71 real portal pages).

The corpus lives outside the repository: ``$PORTAL_ARCHIVE_CORPUS`` or ``<repo>/../shared/corpus/pages``.
Without it the tests are skipped locally and fail in CI (``CI=true``). Metric definitions:
``benchmarks/extract_scoring.py``. For the list of failing cases run
``python benchmarks/extract_eval.py --corpus <corpus> --verbose``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_pages, require

from benchmarks.extract_eval import FIELDS, score_extractor

FLOORS = {
    "article_vs_not": 0.98,
    "headline": 0.98,
    "datePublished": 0.98,
    "authors": 0.90,
    "body_start": 0.95,
    "body_end": 0.95,
    "with": 0.98,
    "without": 0.99,
}


@pytest.fixture(scope="module")
def corpus_dir() -> Path:
    return require(corpus_pages())


@pytest.fixture(scope="module")
def ours(corpus_dir: Path) -> dict:
    return score_extractor(corpus_dir, "ours")


@pytest.fixture(scope="module")
def trafilatura_scores(corpus_dir: Path) -> dict:
    pytest.importorskip("trafilatura", reason="trafilatura not installed (pip install -e '.[bench]')")
    return score_extractor(corpus_dir, "trafilatura")


def test_floors_cover_every_field():
    assert set(FLOORS) == set(FIELDS)


@pytest.mark.parametrize("field, floor", FLOORS.items(), ids=list(FLOORS))
def test_acceptance_floor(ours: dict, field: str, floor: float):
    got = ours[field]
    assert got is not None, f"{field}: no items to score in the corpus"
    assert got >= floor, f"{field}: {got:.3f} < floor {floor:.2f} (run benchmarks/extract_eval.py --verbose for the failing cases)"


# Like for like: trafilatura outputs only a day, and its `datePublished` score counts a right day as
# right, while ours must give the exact instant. Comparing those two would demand 100 % exact instants
# (stricter than the 0.98 floor); dates are compared at day level for both instead.
COMPARED_AS = {f: f for f in FIELDS} | {"datePublished": "datePublished_day"}


def test_every_field_at_least_trafilatura(ours: dict, trafilatura_scores: dict):
    worse = {
        key: (round(ours[key], 3), round(trafilatura_scores[key], 3))
        for key in COMPARED_AS.values()
        if ours[key] is not None and trafilatura_scores[key] is not None and ours[key] < trafilatura_scores[key]
    }
    assert not worse, f"fields where portal-archive < trafilatura (ours, trafilatura): {worse}"
