"""An article's history, for reading: its versions and what changed from one to the next.

``portal-archive show KEY --versions --diff`` prints it. The fields compared are those the content
hash covers (``archive.store.content_hash``): a version exists only because one of them changed,
so each diff shows why it was made; menus, banners and view counters are in none of them.
"""

from __future__ import annotations

import difflib
from typing import Any

from .store import CONTENT_FIELDS

DIFFED_FIELDS = (*CONTENT_FIELDS, "authors", "attachments")


def field_lines(fields: dict[str, Any], name: str) -> list[str]:
    """A field as lines to compare: text line by line (a body holds one paragraph per line), authors
    as "name (role)", attachments as their URLs."""
    value = fields.get(name)
    if name == "authors":
        return [a["name"] + (f" ({a['role']})" if a.get("role") else "") for a in value or [] if a.get("name")]
    if name == "attachments":
        return [a["url"] for a in value or [] if a.get("url")]
    return str(value).splitlines() if value else []


def version_diff(older: dict[str, Any], newer: dict[str, Any]) -> list[str]:
    """Unified diffs (difflib) of every field that differs between two versions, each headed by its name."""
    lines: list[str] = []
    for name in DIFFED_FIELDS:
        before, after = field_lines(older["fields"], name), field_lines(newer["fields"], name)
        if before != after:
            lines += difflib.unified_diff(before, after, lineterm="", fromfile=f"{name} (version {older['version']})",
                                          tofile=f"{name} (version {newer['version']})")
    return lines


def render_history(article: dict[str, Any], versions: list[dict[str, Any]]) -> str:
    """The article's id, identity and headline, then each version (number, capture time, run) and the
    diff from the one before it."""
    lines = [f"article {article['id']}  {article['identity']}", f"  {article['headline']}"]
    for previous, version in zip([None, *versions], versions):
        run = version["runId"] if version["runId"] is not None else "-"
        lines += ["", f"version {version['version']}  captured {version['capturedAt']}  run {run}"]
        if previous is not None:
            lines += version_diff(previous, version) or ["  (no difference in the compared fields)"]
    return "\n".join(lines)
