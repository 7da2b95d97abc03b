"""Bring every item to the archive's normal form before dedupe and store.

The extractor already returns NFC text and ISO dates; this is the guard at the archive's door for
what reaches it by other paths (a rule override, a future API source): NFC in every string, no
stray whitespace, ``canonicalUrl`` and ``portal`` always filled.
"""

from __future__ import annotations

import unicodedata


class NormalizePipeline:
    def process_item(self, item):
        article = _nfc(item["article"])
        article["canonicalUrl"] = article.get("canonicalUrl") or article.get("url")
        article["portal"] = article.get("portal") or item.get("portal")
        item["article"] = article
        return item


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value
