"""Shared pieces of the benchmark reports: the machine a run used, BENCHMARKS.md sections, formatting.

Every benchmark (extraction quality, crawl throughput, ...) writes its results as one section of a
Markdown file, delimited by its own pair of HTML comment markers (``<!-- name:start -->`` and
``<!-- name:end -->``): a re-run replaces that section and leaves the rest of the file alone.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_HARDWARE = ("nproc", "cpu", "os", "python")  # the keys of machine_info() that describe_machine() spells out


# --------------------------------------------------------------------------- machine


def version(dist: str) -> str:
    """The installed version of a distribution, or "not installed"."""
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def project_version() -> str:
    """portal-archive's version from pyproject.toml (else from the installed distribution)."""
    try:
        import tomllib

        return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    except Exception:
        return version("portal-archive")


def git_rev() -> str:
    """Short HEAD revision of the repository, "+ uncommitted changes" when the tree is dirty; "unknown" without git."""
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain"], capture_output=True, text=True, timeout=10)
        return rev.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "") if rev.returncode == 0 else "unknown"
    except Exception:
        return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_info(packages: Iterable[str] = ()) -> dict[str, str]:
    """CPU count and model, OS, Python, portal-archive version and git revision, then the version of each package."""
    info = {
        "nproc": str(os.cpu_count()),
        "cpu": cpu_model(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "portal-archive": f"{project_version()} (git {git_rev()})",
    }
    info.update((dist, version(dist)) for dist in packages)
    return info


def describe_machine(info: dict[str, str]) -> str:
    """``machine_info()`` on one line: "N CPUs (model), OS, Python X · portal-archive V (git R), pkg V, ..."."""
    software = ", ".join(f"{k} {v}" for k, v in info.items() if k not in _HARDWARE)
    return f"{info['nproc']} CPUs ({info['cpu']}), {info['os']}, Python {info['python']} · {software}"


def run_date() -> str:
    """Local date and time of the run, with its UTC offset."""
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")


def repo_relative(path: str | os.PathLike) -> str:
    """A path as seen from the repository root (benchmark commands are run from there)."""
    p = Path(path).resolve()
    try:
        return os.path.relpath(p, REPO)
    except ValueError:  # another drive
        return str(p)


# --------------------------------------------------------------------------- formatting


def fmt(v: float | None, digits: int = 3) -> str:
    """A number with ``digits`` decimals; "–" for None (no value)."""
    return "–" if v is None else f"{v:.{digits}f}"


def plural(n: int, singular: str, plural_form: str) -> str:
    """"1 pass", "3 passes"."""
    return f"{n} {singular if n == 1 else plural_form}"


# --------------------------------------------------------------------------- BENCHMARKS.md


def write_section(path: str | os.PathLike, section: str, start_marker: str, end_marker: str) -> None:
    """Replace the text from ``start_marker`` to ``end_marker`` (inclusive) in the file with ``section``,
    or append ``section`` after a blank line when the markers are absent (the file is created if missing).

    ``section`` should itself begin with ``start_marker`` and end with ``end_marker``, so the next run finds it.
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8") if p.exists() else ""
    i, j = text.find(start_marker), text.find(end_marker)
    if i != -1 and j > i:
        text = text[:i] + section + text[j + len(end_marker) :]
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section + "\n"
    p.write_text(text, encoding="utf-8")


def site_command(script: str, site: str | os.PathLike, write: str | None) -> str:
    """The command line reproducing a run of a benchmark over a mirrored site, as its section quotes it."""
    return f".venv/bin/python benchmarks/{script} --site {repo_relative(site)}" + (f" --write {write}" if write else "")


def publish(section: str, path: str | os.PathLike | None, start_marker: str, end_marker: str) -> None:
    """Print a benchmark's section, and put it in the Markdown file ``path`` (write_section) when one is given."""
    print(section)
    if path:
        write_section(path, section, start_marker, end_marker)
