"""Tests for spiders.extract.encoding: every encoded input is built here from one sentence."""

import codecs
import unicodedata

import lxml.html
import pytest

from spiders.extract.encoding import DecodedPage, decode_html, fix_legacy_fonts, legacy_font_encoding, repair_mojibake

S = "Cộng hòa xã hội chủ nghĩa Việt Nam - Độc lập - Tự do - Hạnh phúc. Công tác dân vận của Đảng năm 2019."
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Encode like Vietnamese Windows: base letter (â, ơ, ư...) + a combining tone byte.

    Python's cp1258 encoder only knows single code points, so toned letters are split first.
    """
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
            out += base.encode("cp1258") + "".join(c for c in nfd if c in TONES).encode("cp1258")
    return bytes(out)


# TCVN3 as the cp1252 characters a .VnTime page shows, from VIETNAMESE.md 2.2.
_TCVN3_SURFACE = "¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉËÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô\xadøõö÷ùýúûüþ®¡¢£¤¥¦§"
_TCVN3_UNICODE = "áàảãạăắằẳẵặâấầẩẫậéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵđĂÂÊÔƠƯĐ"
TO_TCVN3 = str.maketrans(dict(zip(_TCVN3_UNICODE, _TCVN3_SURFACE)))


def tcvn3(text: str) -> str:
    """Unicode → TCVN3 surface text (lowercase toned letters only: TCVN3 has no uppercase ones)."""
    return text.translate(TO_TCVN3)


def page(body: str, head: str = "", title: str = "Tin tức") -> str:
    return f"<html><head>{head}<title>{title}</title></head><body><div class='portlet'><p>{body}</p></div></body></html>"


META_1258 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'


def test_test_helpers_match_the_documented_samples():
    assert cp1258(S).startswith(b"C\xf4\xf2ng ho\xcca xa\xde h\xf4\xf2i chu\xd2")  # VIETNAMESE.md 2.2
    assert tcvn3(S).startswith("Céng hßa x· héi chñ nghÜa ViÖt Nam - §éc lËp - Tù do - H¹nh phóc.")
    assert tcvn3("Công tác dân vận của Đảng") == "C«ng t¸c d©n vËn cña §¶ng"
    assert len(_TCVN3_SURFACE) == len(_TCVN3_UNICODE) == 74


# (name, raw bytes, declared charset, expected codec, expected source)
DECODE_CASES = [
    ("utf-8, meta", page(S, '<meta charset="utf-8">').encode(), None, "utf-8", "meta"),
    ("utf-8, no declaration", page(S).encode(), None, "utf-8", "utf-8"),
    ("utf-8, header", page(S).encode(), "utf-8", "utf-8", "header"),
    ("utf-8, header 'utf8'", page(S).encode(), "utf8", "utf-8", "header"),
    ("utf-8, header 'UTF-8' quoted", page(S).encode(), ' "UTF-8" ', "utf-8", "header"),
    ("cp1258, http-equiv meta", cp1258(page(S, META_1258)), None, "cp1258", "meta"),
    ("cp1258, meta charset", cp1258(page(S, '<meta charset="windows-1258" />')), None, "cp1258", "meta"),
    ("cp1258, header with spaces", cp1258(page(S)), "windows-1258 ", "cp1258", "header"),
    ("cp1258, header beats meta", cp1258(page(S, '<meta charset="utf-8">')), "cp1258", "cp1258", "header"),
    ("cp1258, no declaration: detected", cp1258(page(S)), None, "cp1258", "detected"),
    ("cp1258, header lies utf-8: meta next", cp1258(page(S, META_1258)), "utf-8", "cp1258", "meta"),
    ("cp1258, unknown header", cp1258(page(S, META_1258)), "x-no-such-charset", "cp1258", "meta"),
    ("cp1258, header 'base64' (not a text codec)", cp1258(page(S, META_1258)), "base64", "cp1258", "meta"),
    ("cp1258, header 'unicode_escape' refused", cp1258(page(S)), "unicode_escape", "cp1258", "detected"),
    ("cp1258, header 'utf-7' refused", cp1258(page(S)), "utf-7", "cp1258", "detected"),
    # A Western single-byte label on bytes that are valid multi-byte UTF-8: the label is a
    # server default (Tomcat/WebSphere say ISO-8859-1); decoding by it would give "Cá»™ng".
    ("utf-8, header lies iso-8859-1", page(S).encode(), "iso-8859-1", "utf-8", "utf-8"),
    ("utf-8, header lies windows-1258", page(S).encode(), "windows-1258", "utf-8", "utf-8"),
    ("utf-8, meta lies iso-8859-1", page(S, '<meta charset="iso-8859-1">').encode(), None, "utf-8", "utf-8"),
    ("ascii, header iso-8859-1 (browsers read cp1252)", page("a", title="Tin").encode(), "iso-8859-1", "cp1252", "header"),
    ("cp1252 French, header latin-1", page("Le ministère", title="Tin").encode("cp1252"), "latin-1", "cp1252", "header"),
    ("ascii page with meta utf-16 (template mistake)", page("abc", '<meta charset="utf-16">').encode(), None, "utf-8", "utf-8"),
    ("BOM utf-8 beats a lying header", codecs.BOM_UTF8 + page(S).encode(), "iso-8859-1", "utf-8", "bom"),
    ("BOM utf-16-le", page(S).encode("utf-16"), None, "utf-16-le", "bom"),
    ("BOM utf-16-be", codecs.BOM_UTF16_BE + page(S).encode("utf-16-be"), None, "utf-16-be", "bom"),
    ("BOM utf-32-le", codecs.BOM_UTF32_LE + page(S).encode("utf-32-le"), None, "utf-32-le", "bom"),
]


@pytest.mark.parametrize("name, raw, declared, codec, source", DECODE_CASES, ids=[c[0] for c in DECODE_CASES])
def test_decode_html_chooses_the_right_codec(name, raw, declared, codec, source):
    page_ = decode_html(raw, declared)
    assert (page_.encoding, page_.source) == (codec, source)
    assert unicodedata.is_normalized("NFC", page_.text)
    assert page_.text.startswith("<html><head>")  # BOM removed, nothing mangled at the start


@pytest.mark.parametrize(
    "raw, declared",
    [
        (cp1258(page(S, META_1258)), None),
        (cp1258(page(S)), None),
        (cp1258(page(S)), "windows-1258"),
        (page(S).encode(), "iso-8859-1"),
        (codecs.BOM_UTF8 + page(S).encode(), None),
    ],
)
def test_decoded_vietnamese_is_exact_and_nfc(raw, declared):
    # Python's cp1258 codec returns "ê" + U+0323; the page must come back composed ("ệ").
    assert S in decode_html(raw, declared).text


class FakeMatch:
    def __init__(self, encoding):
        self.encoding, self.chaos, self.coherence, self.could_be_from_charset = encoding, 0.0, 0.5, [encoding]


def test_cp1258_rescue_when_the_detector_says_cp1250(monkeypatch):
    import charset_normalizer

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda *a, **k: [FakeMatch("cp1250")])
    assert decode_html(cp1258(page(S))).encoding == "cp1258"
    # ...but a French page keeps the detector's answer: cp1258 makes no toned vowels of it.
    french = page("Le ministère a publié un communiqué à Paris.", title="Tin").encode("cp1252")
    assert decode_html(french).encoding == "cp1250"


def test_detector_ties_prefer_cp1252(monkeypatch):
    import charset_normalizer

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda *a, **k: [FakeMatch("cp1250"), FakeMatch("cp1252")])
    assert decode_html(page("Le ministère", title="Tin").encode("cp1252")).encoding == "cp1252"


def test_short_cp1258_page_accepted_from_the_detector():
    got = decode_html(cp1258(page("Tin tức")))
    assert (got.encoding, got.source) == ("cp1258", "detected")


@pytest.mark.parametrize(
    "text, codec",
    [
        ("Le ministère a publié un communiqué concernant les élèves et la réforme de l'éducation à Paris.", "cp1252"),
        ("A informação não está disponível. As eleições serão realizadas em São Paulo e nas regiões próximas.", None),
        ("La città è bella, però il governo può decidere così. Perché sì, l'università è lì.", "cp1252"),
        ("El niño comió piñata en España. Mañana será otro día, señor.", "cp1252"),
        ("Die Bürger müssen die Größe der Straße prüfen.", "cp1252"),
    ],
)
def test_western_pages_are_not_taken_for_cp1258(text, codec):
    got = decode_html(page(text, title="Tin").encode("cp1252"))
    assert got.encoding != "cp1258" and got.source == "detected"
    if codec:
        assert got.encoding == codec and text in got.text


def test_truncated_utf8_is_still_utf8():
    raw = page(S).encode()[:-len("</p></div></body></html>")] + "Đ".encode()[:1]
    got = decode_html(raw)
    assert (got.encoding, got.source) == ("utf-8", "utf-8")
    assert got.text.endswith("2019.\ufffd")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00" * 100,
        bytes(range(256)) * 40,
        b"\xff\xfe\x00",  # a BOM and half a character
        b"\xef\xbb\xbf",
        b"<meta charset='utf-16'>\x00\x01\x02",
        b"<meta charset='\xff\xfe'>" + bytes(range(128, 256)),
        b"<script>" * 5000 + b"\xe9",  # unclosed scripts must not make detection quadratic
        bytearray(b"<p>bytearray \xc3\xa9</p>"),
        memoryview(b"<p>memoryview</p>"),
    ],
)
def test_decode_html_never_raises(raw):
    got = decode_html(raw)
    assert isinstance(got, DecodedPage) and isinstance(got.text, str)
    assert got.source in {"header", "bom", "meta", "utf-8", "detected", "fallback"}


def test_empty_bytes_decode_to_empty_text():
    assert decode_html(b"").text == ""


@pytest.mark.parametrize("declared", [None, "utf-8", "no-such", "windows-1258"])
def test_twenty_megabytes_of_garbage_decode(declared):
    raw = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    got = decode_html(raw, declared)
    assert len(got.text) >= len(raw) // 4


def test_a_declared_page_never_runs_the_detector(monkeypatch):
    import charset_normalizer

    def boom(*a, **k):
        raise AssertionError("charset-normalizer must not run")

    monkeypatch.setattr(charset_normalizer, "from_bytes", boom)
    body = "".join(f"<p>{S}</p>" for _ in range(300))
    decode_html(page(body, '<meta charset="utf-8">').encode())
    decode_html(page(body).encode())
    decode_html(cp1258(page(body, META_1258)))
    decode_html(cp1258(page(body)), "windows-1258")


# --------------------------------------------------------------------------- legacy fonts

LEGACY_FONT_CASES = [
    ('<font face=".VnTime">x</font>', "tcvn3"),
    ("<font face='.VnArialH' size=3>x</font>", "tcvn3"),
    ("<font face=.VnTime>x</font>", "tcvn3"),
    ("<p style=\"font-family:'.VnTime'\">x</p>", "tcvn3"),
    ("<span style='font-size:14.0pt;font-family:\".VnTime\"'>x</span>", "tcvn3"),  # Word HTML
    ('<p style="font-family:&quot;.VnTime&quot;,serif">x</p>', "tcvn3"),
    ("body { font-family: .VnTime; }", "tcvn3"),
    ("p { font: bold 12pt .VnCentury Schoolbook, serif }", "tcvn3"),
    ('<font face="VNI-Times">x</font>', "vni"),
    ("td { font-family: 'VNI-Helve' }", "vni"),
    ('<a href="https://vnexpress.net/a.vnhtml">www.abc.vnexpress.net</a>', None),
    ('<p style="font-family: Arial">Phông .VnTime đã cũ</p>', None),
    ("p { font-family: Arial, .VnTime }", None),  # Arial renders: the first family counts
    ("<p>Hà Nội; VNI-Times is mentioned in prose</p>", None),
    ("", None),
]


@pytest.mark.parametrize("markup, expected", LEGACY_FONT_CASES)
def test_legacy_font_encoding(markup, expected):
    assert legacy_font_encoding(markup) == expected


def tree(body: str, head: str = ""):
    return lxml.html.document_fromstring(f"<html><head>{head}<title>{tcvn3('Tin tức')}</title></head><body>{body}</body></html>")


def body_text(root) -> str:
    return root.find("body").text_content()


def test_font_face_is_converted_and_its_tail_is_not():
    t = tcvn3("Công tác dân vận của Đảng")
    root = tree(f"<p>Mở đầu café <font face='.VnTime'>{t}</font> café {t}</p>")
    assert fix_legacy_fonts(root) == 1
    assert body_text(root) == f"Mở đầu café Công tác dân vận của Đảng café {t}"


def test_inline_style_converts_descendants_and_keeps_word_spacing():
    t1, t2, t3 = tcvn3("Công"), tcvn3("tác"), tcvn3("dân vận")
    root = tree(f"<p style=\"font-family:'.VnTime'\">{t1} <b>{t2}</b> {t3}<br>{t1}</p><p>café</p>")
    fix_legacy_fonts(root)
    assert body_text(root) == "Công tác dân vận" + "Công" + "café"
    assert root.find(".//b").text == "tác" and root.find(".//b").tail == " dân vận"


def test_a_nested_real_font_is_not_converted():
    t = tcvn3("tác")
    root = tree(f"<font face='.VnTime'>{tcvn3('Công')} <span style='font-family: Arial'>café</span> {t}</font>")
    fix_legacy_fonts(root)
    assert body_text(root) == "Công café tác"


def test_whole_sentence_with_uppercase_d_bar():
    root = tree(f"<font face='.VnTime'>{tcvn3(S)}</font>")
    fix_legacy_fonts(root)
    assert body_text(root) == S


@pytest.mark.parametrize(
    "style",
    [
        "body {font-family: .VnTime}",
        "<!-- html, body { font-size: 12pt; font-family: '.VnTime', serif } -->",
        "* { font: 12pt .VnTime }",
    ],
)
def test_style_block_on_body_converts_all_body_text(style):
    t = tcvn3("Công tác dân vận")
    root = tree(f"<div><p>{t}</p><table><tr><td>{tcvn3('Đảng')}</td></tr></table>{t}</div>", f"<style>{style}</style>")
    assert fix_legacy_fonts(root) == 3
    assert body_text(root) == "Công tác dân vận" + "Đảng" + "Công tác dân vận"
    assert root.findtext(".//title") == tcvn3("Tin tức")  # <title> is drawn by the browser's UI font


def test_style_block_class_and_tag_rules():
    css = "<style>p.MsoNormal, li.MsoNormal { font-family: \".VnTime\" } td { font-family: .VnArial }</style>"
    t = tcvn3("Công tác")
    root = tree(f"<p class='MsoNormal'>{t}</p><p>café</p><table><tr><td>{t}</td></tr></table>", css)
    fix_legacy_fonts(root)
    assert body_text(root) == "Công tác" + "café" + "Công tác"


def test_vni_font():
    root = tree("<font face='VNI-Times'>Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam</font>")
    assert fix_legacy_fonts(root) == 1
    assert body_text(root) == "Cộng hòa xã hội chủ nghĩa Việt Nam"


def test_unicode_text_in_a_leftover_legacy_font_tag_is_left_alone():
    # Migrated content often keeps <font face=".VnTime"> around text already in Unicode;
    # converting it would turn "tác" into "tỏc".
    root = tree(f"<font face='.VnTime'>{S}</font>")
    assert fix_legacy_fonts(root) == 0
    assert body_text(root) == S


@pytest.mark.parametrize(
    "body",
    [
        "<p>El niño comió piñata en España. Mañana será otro día, señor.</p>",
        f"<p>{tcvn3('Công tác dân vận')}</p>",  # no font signal: never guess
        "<p style='font-family: Arial'>Le ministère a publié</p>",
    ],
)
def test_no_font_signal_no_change(body):
    root = tree(body)
    before = lxml.html.tostring(root, encoding="unicode")
    assert fix_legacy_fonts(root) == 0
    assert lxml.html.tostring(root, encoding="unicode") == before


def test_scripts_and_comments_inside_a_legacy_font_are_kept():
    root = tree(f"<font face='.VnTime'><script>var s = 'é';</script><!-- é -->{tcvn3('tác')}</font>")
    fix_legacy_fonts(root)
    assert root.findtext(".//script") == "var s = 'é';"
    assert body_text(root).endswith("tác")


def test_tcvn3_page_without_meta_decodes_as_cp1252_then_converts():
    raw = page(tcvn3(S), "<style>body { font-family: .VnTime }</style>", title="Tin").encode("cp1252")
    got = decode_html(raw)
    assert (got.encoding, got.source) == ("cp1252", "detected")
    root = lxml.html.document_fromstring(got.text)
    fix_legacy_fonts(root)
    assert body_text(root) == S


# --------------------------------------------------------------------------- mojibake


def mojibake(text: str) -> str:
    """UTF-8 bytes read as cp1252; its five undefined bytes show as C1 controls (as in latin-1)."""
    return "".join(chr(b) if b in b"\x81\x8d\x8f\x90\x9d" else bytes([b]).decode("cp1252") for b in text.encode())


QUOTED = "“Công tác dân vận” của Đảng, và là việc của Nhà nước…"

MOJIBAKE_CASES = [
    (mojibake(S), S),
    (mojibake(QUOTED), QUOTED),  # curly quotes stay curly
    (mojibake(mojibake(S)), S),  # double mojibake
    (mojibake(unicodedata.normalize("NFD", S)), S),  # mojibake of decomposed text comes back NFC
    ("vÃ  lÃ  Viá»‡t", "và là Việt"),  # the no-break space after "Ã" became a space
    (unicodedata.normalize("NFD", S), S),  # no mojibake: only NFC
]


@pytest.mark.parametrize("broken, fixed", MOJIBAKE_CASES)
def test_repair_mojibake(broken, fixed):
    assert repair_mojibake(broken) == fixed


@pytest.mark.parametrize(
    "text",
    [S, QUOTED, "café au lait, São Paulo, Größe", tcvn3(S), "Giá 1.000 & 2.000 € — “ngoặc kép” và ‘đơn’", ""],
)
def test_repair_mojibake_leaves_clean_text_alone(text):
    assert repair_mojibake(text) == unicodedata.normalize("NFC", text)


def test_repair_mojibake_skips_ftfy_without_signs(monkeypatch):
    import ftfy

    monkeypatch.setattr(ftfy, "fix_text", lambda *a, **k: pytest.fail("ftfy ran on clean text"))
    assert repair_mojibake(S * 100) == S * 100

