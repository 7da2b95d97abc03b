"""Bytes → NFC Unicode HTML, plus repair of text garbled by legacy Vietnamese fonts.

Decoding order (``decode_html``): BOM → HTTP charset → ``<meta>`` charset → strict UTF-8 →
detection on the visible text (with a windows-1258 rescue) → cp1252. Every answer is NFC'd:
Python's cp1258 codec returns *decomposed* text (VIETNAMESE.md 2.3).

TCVN3 (``.VnTime``) and VNI (``VNI-Times``) are not byte encodings a detector can see: they are
fonts that draw Latin-1 code points as Vietnamese letters. Only the font name tells them apart
from real Latin-1 text, so ``fix_legacy_fonts`` converts exactly the text styled with such a
font and nothing else (viparse's "auto" mode turned Spanish ``niño`` into ``niđo``).

Heavy imports (charset-normalizer 30 ms, ftfy 60 ms, viparse 75 ms) are deferred to the rare
paths that need them.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .text import VIETNAMESE_LETTERS

META_WINDOW = 4096  # the <meta charset> must sit in the head; scanning further finds script strings
DETECT_WINDOW = 256 * 1024  # charset-normalizer is slow; the first 256 KB are plenty of evidence


@dataclass(frozen=True)
class DecodedPage:
    text: str  # NFC unicode HTML
    encoding: str  # Python codec actually used, e.g. "utf-8", "cp1258"
    source: str  # "header" | "bom" | "meta" | "utf-8" | "detected" | "fallback"


# --------------------------------------------------------------------------- decoding


def decode_html(raw: bytes, declared: str | None = None) -> DecodedPage:
    """Decode a fetched page; ``declared`` is the HTTP Content-Type charset, if any. Never raises."""
    raw = bytes(raw or b"")
    return (
        _from_bom(raw)
        or _from_label(raw, declared, "header")
        or _from_label(raw, _meta_charset(raw), "meta")
        or _utf8(raw)
        or _detect(raw)
        or _decoded(raw, "cp1252", "fallback", errors="replace")
    )


_BOMS = (  # UTF-32 LE first: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _from_bom(raw: bytes) -> DecodedPage | None:
    # Checked before the header (as browsers do): a BOM cannot be there by accident, while
    # server-wide default charsets (Tomcat/WebSphere ISO-8859-1) often are.
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return _decoded(raw[len(bom) :], codec, "bom", errors="replace")
    return None


def _from_label(raw: bytes, label: str | None, source: str) -> DecodedPage | None:
    codec = _codec(label) if label else None
    if codec is None or not _plausible(codec, raw):
        return None
    if codec != "utf-8" and _single_byte(codec) and not raw.isascii():
        # Valid multi-byte UTF-8 is practically never produced by chance from Western text, but a
        # page labelled ISO-8859-1 by a server default or an old template is common: trust UTF-8.
        page = _decoded(raw, "utf-8", "utf-8")
        if page:
            return page
    return _decoded(raw, codec, source)


# <meta charset="x">, <meta http-equiv=... content="text/html; charset=x">, <?xml encoding="x"?>.
# The same patterns as bs4's EncodingDetector, without importing bs4.dammit (~110 ms with chardet).
_META = re.compile(rb"""(?i)<\s*meta[^>]+charset\s*=\s*["']?\s*([^\s"'/;>]+)""")
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)""")


def _meta_charset(raw: bytes) -> str | None:
    head = raw[:META_WINDOW]
    m = _XML_DECL.match(head) or _META.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def _utf8(raw: bytes) -> DecodedPage | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason != "unexpected end of data":
            return None
        text = raw.decode("utf-8", "replace")  # a download cut inside the last character
    return DecodedPage(unicodedata.normalize("NFC", text), "utf-8", "utf-8")


def _detect(raw: bytes) -> DecodedPage | None:
    window = raw[:DETECT_WINDOW]
    if legacy_font_encoding(window.decode("latin-1")):
        # TCVN3/VNI bytes are font glyph numbers; viparse's tables expect them as cp1252
        # characters, while a detector would guess cp1250 and scramble them.
        return _decoded(raw, "cp1252", "detected", errors="replace")
    sample = _visible_bytes(window)
    if sample.isascii():  # non-ASCII only inside tags/scripts: use those as evidence
        sample = window
    codec = _guess(sample)
    if codec is None:
        return None
    return _decoded(raw, codec, "detected") or _decoded(raw, codec, "detected", errors="replace")


def _guess(sample: bytes) -> str | None:
    # Measured: detectors call windows-1258 HTML cp1250 (VIETNAMESE.md 2.5), and a two-word
    # page big5; but cp1258 + NFC giving toned vowels does not happen by chance.
    if _reads_as_cp1258(sample):
        return "cp1258"
    from charset_normalizer import from_bytes  # ~30 ms import: only undeclared legacy pages pay it

    # The detector also says cp1258 to Italian ("può" → "pụ"); the check above has the last word.
    matches = [m for m in from_bytes(sample, cp_exclusion=_NEVER_GUESS) if m.encoding != "cp1258"]
    if not matches:
        return None
    best = matches[0]
    # Short Western text scores the same under cp1250/cp1252/iso8859-10, and the detector's
    # order among ties is arbitrary: prefer cp1252, what browsers assume for such pages.
    tied = {enc for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence) for enc in m.could_be_from_charset}
    return _codec("cp1252" if "cp1252" in tied else best.encoding)


# EBCDIC, UTF-7 and BOM-less UTF-16/32 turn ordinary bytes into plausible-looking nonsense.
_NEVER_GUESS = ["cp037", "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140", "utf_7", "utf_16", "utf_32"]
_TONED = re.compile("[\u1ea0-\u1ef9]")  # Latin Extended Additional: the Vietnamese toned vowels
_VN_ONLY = VIETNAMESE_LETTERS


def _reads_as_cp1258(sample: bytes) -> bool:
    """True if cp1258 + NFC turns the sample into Vietnamese.

    Toned vowels only appear when a combining-tone byte follows a vowel; Portuguese ã/õ
    (ă/ơ in cp1258) never make them, Italian ò/ì mostly land on consonants (ṛ, ś) among
    many other accented letters, so the share of Vietnamese-only letters stays low.
    """
    text = unicodedata.normalize("NFC", sample.decode("cp1258", "replace"))
    letters = sum(1 for ch in text if not ch.isascii() and ch.isalpha())
    toned = len(_TONED.findall(text))
    share = len(_VN_ONLY.findall(text)) / max(letters, 1)
    return (toned >= 3 and share >= 0.4) or (toned >= 1 and share >= 0.75)


_SCRIPT_OPEN = re.compile(rb"(?i)<(script|style)\b")
_TAG = re.compile(rb"<[^<>]*>")


def _visible_bytes(raw: bytes) -> bytes:
    """Drop scripts, styles and tags: markup is ASCII bulk that hides the few text bytes."""
    low, parts, pos = raw.lower(), [], 0
    while (m := _SCRIPT_OPEN.search(low, pos)) is not None:
        parts.append(raw[pos : m.start()])
        end = low.find(b"</" + m.group(1).lower(), m.end())  # find(), not a lazy regex: stays linear
        if end < 0:
            break
        pos = end + 2
    else:
        parts.append(raw[pos:])
    return b" ".join(_TAG.sub(b" ", part) for part in parts)


def _decoded(raw: bytes, codec: str, source: str, errors: str = "strict") -> DecodedPage | None:
    """Decode and NFC; a strict failure returns None so the caller falls through."""
    try:
        text = raw.decode(codec, errors)
    except (LookupError, ValueError):  # UnicodeDecodeError is a ValueError
        return None
    return DecodedPage(unicodedata.normalize("NFC", text), codec, source)


# Text codecs a page must never be decoded with: they interpret backslashes or are injection risks.
_REFUSED = {"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "mbcs", "oem"}
# WHATWG label mapping: browsers decode these labels with the superset codec.
_SUPERSET = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "tis-620": "cp874", "gb2312": "gbk"}


@lru_cache(maxsize=128)
def _codec(label: str) -> str | None:
    """Canonical Python codec name for a charset label ("windows-1258 " → "cp1258"), or None."""
    name = label.strip().strip("\"'").strip().lower()
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return _SUPERSET.get(info.name, info.name)


@lru_cache(maxsize=128)
def _single_byte(codec: str) -> bool:
    if codec.startswith("utf"):
        return False
    return len(bytes(range(0x80, 0x100)).decode(codec, "replace")) == 128


def _plausible(codec: str, raw: bytes) -> bool:
    # An ASCII page labelled UTF-16/32 (a common template mistake) would "decode" into CJK soup.
    return not codec.startswith(("utf-16", "utf-32")) or b"\x00" in raw[:1024]


# --------------------------------------------------------------------------- legacy fonts

# A font-family value (or the font shorthand, or a <font face>) whose first family is a legacy
# font. Anchoring on the font context keeps host names like "www.vnexpress.net" out.
_FONT_DECL = re.compile(r"(?i)(?<![\w-])(font-family|font)\s*:\s*((?:&quot;|[^;{}<>])*)")
_FACE_ATTR = re.compile(r"""(?i)(?<![\w-])face\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_LEGACY_NAME = re.compile(r"""(?i)(?:^|[\s"',=]|&quot;)(?:(\.vn[a-z])|(vni[-_ ]?[a-z]))""")
_INHERIT = object()  # "this element names no font": inherit the parent's context
_CSS_KEYWORDS = {"", "inherit", "initial", "unset", "revert"}


def legacy_font_encoding(html_or_css: str) -> str | None:
    """"tcvn3" or "vni" if the markup/CSS names a legacy Vietnamese font, else None (first wins)."""
    values = [(m.start(), m.group(2)) for m in _FONT_DECL.finditer(html_or_css)]
    values += [(m.start(), next(filter(None, m.groups()), "")) for m in _FACE_ATTR.finditer(html_or_css)]
    for _, value in sorted(values):
        encoding = _font_value_encoding(value)
        if encoding not in (None, _INHERIT):
            return encoding
    return None


def _font_value_encoding(value: str):
    """Encoding of the *first* family in a font list: the one the author's machine rendered."""
    first = value.split(",")[0]
    m = _LEGACY_NAME.search(first)
    if m is None:  # a real font, or a CSS keyword that defers to the parent
        return _INHERIT if first.strip().lower() in _CSS_KEYWORDS else None
    return "tcvn3" if m.group(1) else "vni"


def fix_legacy_fonts(root) -> int:
    """Convert TCVN3/VNI text styled with a legacy font in an lxml tree; return nodes changed."""
    if not _mentions_legacy_font(root):  # the common case: one XPath, no walk
        return 0
    rules = _stylesheet_rules(root)
    changed = 0
    stack = [(root, None)]
    while stack:  # iterative: deeply nested portal markup must not hit the recursion limit
        el, inherited = stack.pop()
        own = _own_context(el, rules)
        ctx = inherited if own is _INHERIT else own
        if own not in (_INHERIT, None) and _has_unicode_vietnamese(el):
            ctx = None  # migrated content: already Unicode although the old font tag stayed
        if ctx and isinstance(el.tag, str) and el.tag not in ("script", "style"):
            changed += _convert_attr(el, "text", ctx)
        for child in el:
            stack.append((child, ctx))
            if ctx:  # a child's tail is styled by this element, not by the child
                changed += _convert_attr(child, "tail", ctx)
    return changed


def _mentions_legacy_font(root) -> bool:
    values = root.xpath("//style/text() | //@style | //@face")
    return any(_CHEAP_LEGACY.search(v) for v in values)


_CHEAP_LEGACY = re.compile(r"(?i)\.vn[a-z]|vni")


_STYLE_FONT = re.compile(r"(?i)(?<![\w-])font(?:-family)?\s*:\s*([^;}]*)")


def _own_context(el, rules: dict):
    """Legacy encoding named by the element itself: inline style, face, class or tag rule."""
    if not isinstance(el.tag, str):
        return _INHERIT
    fonts = _STYLE_FONT.findall(el.get("style") or "")
    if fonts:  # the last declaration wins, as in CSS
        return _font_value_encoding(fonts[-1])
    if el.get("face") is not None:
        return _font_value_encoding(el.get("face"))
    for cls in (el.get("class") or "").split():
        if "." + cls in rules:
            return rules["." + cls]
    return rules.get(el.tag, _INHERIT)


_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_WHOLE_DOC = {"html", "body", "*"}


def _stylesheet_rules(root) -> dict:
    """Selectors of <style> rules that set a font: {"p": "tcvn3", ".MsoNormal": "tcvn3", ...}.

    Only simple selectors (tag, .class, tag.class) are understood: Word-exported HTML and old
    FrontPage pages use nothing else. html/body/* map to "body", the subtree to convert.
    """
    rules: dict = {}
    for style in root.iter("style"):
        for selectors, block in _CSS_RULE.findall(style.text or ""):
            fonts = _STYLE_FONT.findall(block)
            if not fonts:
                continue
            encoding = _font_value_encoding(fonts[-1])
            for selector in selectors.split(","):
                key = selector.strip().split()[-1] if selector.strip() else ""
                key = "body" if key in _WHOLE_DOC else key
                key = key[key.index(".") :] if "." in key else key.lower()
                if key:
                    rules[key] = encoding
    return {k: v for k, v in rules.items() if v is not _INHERIT}


def _has_unicode_vietnamese(el) -> bool:
    if not isinstance(el.tag, str):
        return False
    return any(_VN_ONLY.search(t) for t in el.itertext())


def _convert_attr(el, attr: str, encoding: str) -> int:
    value = getattr(el, attr)
    if not value or value.isascii():
        return 0
    fixed = _fix_text(value, encoding)
    if fixed == value:
        return 0
    setattr(el, attr, fixed)
    return 1


def _fix_text(text: str, encoding: str) -> str:
    import viparse  # ~100 ms import: only pages that name a legacy font pay for it

    core = text.strip()
    if not core:
        return text
    # viparse also trims and collapses whitespace; keep the node's outer whitespace, which
    # separates it from its neighbours ("C«ng <b>t¸c</b>").
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return lead + viparse.fix(core, encoding=encoding) + trail


# --------------------------------------------------------------------------- mojibake

# A UTF-8 multi-byte sequence read as cp1252/latin-1: a lead byte (Â..ï) followed by bytes in
# 0x80-0xBF, which cp1252 shows as €‚ƒ…, latin-1 as C1 controls, both as  ¡¢…¿.
_CONT = "".join(sorted(set(bytes(range(0x80, 0xC0)).decode("cp1252", "ignore") + bytes(range(0x80, 0xC0)).decode("latin-1"))))
# "Ã " / "Â ": the continuation byte was a no-break space that a later step made a space ("và").
_MOJIBAKE = re.compile(f"[\u00c2-\u00df][{re.escape(_CONT)}]|[\u00e0-\u00ef][{re.escape(_CONT)}]{{2}}|[ÂÃ] ")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as cp1252 ("Cá»™ng" → "Cộng"); otherwise only NFC."""
    if _MOJIBAKE.search(text):
        import ftfy

        # Only the encoding repair: fix_text's other defaults would straighten “quotes” and
        # unescape entities, which changes text that was never broken.
        text = ftfy.fix_text(text, config=_ftfy_config())
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=1)
def _ftfy_config():
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization="NFC",
    )
