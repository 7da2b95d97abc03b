"""Shared test helpers: the project's console script and the evaluation corpus location."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pages"


def shared_path(*parts: str) -> Path:
    """A path in ../shared (evaluation data beside the checkout), or PORTAL_ARCHIVE_SHARED."""
    base = Path(os.environ.get("PORTAL_ARCHIVE_SHARED", ROOT.parent / "shared"))
    return base.joinpath(*parts)


def corpus_pages() -> Path:
    """The extraction evaluation corpus: $PORTAL_ARCHIVE_CORPUS, else ../shared/corpus/pages."""
    explicit = os.environ.get("PORTAL_ARCHIVE_CORPUS")
    return Path(explicit) if explicit else shared_path("corpus", "pages")


def require(path: Path) -> Path:
    """Skip when evaluation data is absent on a developer machine; in CI its absence is a failure."""
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"evaluation data missing in CI: {path}")
        pytest.skip(f"evaluation data not present: {path}")
    return path


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `portal-archive` as a user would: a separate process, real files, real exit code."""
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
