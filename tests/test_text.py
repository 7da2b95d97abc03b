"""Tests for spiders.extract.text: table-driven, including text that must stay unchanged."""

import unicodedata

import pytest

from spiders.extract.text import clean_whitespace, fold, nfc, repair_entity_debris

S = "Cộng hòa xã hội chủ nghĩa Việt Nam - Độc lập - Tự do - Hạnh phúc."


def test_nfc_composes_decomposed_and_mixed_text():
    nfd = unicodedata.normalize("NFD", S)
    assert nfd != S and nfc(nfd) == S
    mixed = " ".join(w if i % 2 else unicodedata.normalize("NFD", w) for i, w in enumerate(S.split()))
    assert nfc(mixed) == S
    assert nfc("") == ""


def test_nfc_does_not_unify_tone_placement():
    # "hoà" and "hòa" are different NFC strings; fold() is what makes them match.
    assert nfc("hoà") != nfc("hòa") and fold("hoà") == fold("hòa") == "hoa"


WHITESPACE_CASES = [
    ("  a   b  ", "a b"),
    ("a\u00a0\u00a0b", "a b"),  # NBSP
    ("a\u202fb\u2009c\u3000d", "a b c d"),  # narrow NBSP, thin space, ideographic space
    ("a\tb \t c", "a b c"),
    ("Hà\u200bNội", "HàNội"),  # zero-width space removed
    ("Việt\ufeff Nam", "Việt Nam"),
    ("thông\u00adtin", "thôngtin"),  # soft hyphen removed
    ("a\u200db\u200cc", "a\u200db\u200cc"),  # ZWJ/ZWNJ kept (emoji, Indic scripts)
    ("dòng 1  \n   dòng 2", "dòng 1\ndòng 2"),  # collapse within lines, keep the break
    ("a\n\n\nb", "a\n\n\nb"),  # paragraph breaks are not collapsed
    ("a\r\nb\rc", "a\nb\nc"),
    ("a\u2028b\u2029c\x85d", "a\nb\nc\nd"),
    ("\n  \u00a0 đoạn \u00a0\n", "đoạn"),
    ("", ""),
    ("\u00a0\u200b \t", ""),
]


@pytest.mark.parametrize("raw, clean", WHITESPACE_CASES)
def test_clean_whitespace(raw, clean):
    assert clean_whitespace(raw) == clean


ENTITY_REPAIRS = [
    ("vai trograve; to lớn", "vai trò to lớn"),
    ("cograve;n", "còn"),
    ("rotilde; ràng", "rõ ràng"),
    ("ldquo;Dân vận khéordquo;", "“Dân vận khéo”"),
    ("Đang tải hellip;", "Đang tải …"),
    ("2019ndash;2020", "2019–2020"),
    ("Hà Nộinbsp;nbsp;Hải Phòng", "Hà Nội\u00a0\u00a0Hải Phòng"),
    ("quot;Xinquot;", '"Xin"'),
    ("Ocirc;ng Nguyễn", "Ông Nguyễn"),
    ("Ecirc;-đê", "Ê-đê"),
    ("dstrok;ồng", "đồng"),
    ("&Aacute;", "Á"),  # double-escaped: "&amp;Aacute;" in the HTML
    ("&amp;Aacute;", "Á"),  # escaped three times
    ("AT&amp;T", "AT&T"),
    ("&lt;b&gt;", "<b>"),  # with its "&", even a short name is unambiguous
    ("Vi&#7879;t Nam, Vi&#x1EC7;t Nam", "Việt Nam, Việt Nam"),
    ("o&#769; vs o&#x301;", "ó vs ó"),  # a combining mark composes (NFC)
]


@pytest.mark.parametrize("debris, text", ENTITY_REPAIRS)
def test_repair_entity_debris(debris, text):
    assert repair_entity_debris(debris) == text


ENTITY_UNCHANGED = [
    "Hà Nội; Hải Phòng",
    "a; b",
    "quote;",
    "nbsp",  # no ";"
    "ograve",  # no ";"
    "xem tại đây; tiếp",
    "amp; lt; gt;",  # too short without "&"
    "Nha Trang; Đà Lạt",  # "rang;" is an HTML5 entity (⟩)
    "đường cong; thẳng",  # "cong;" (≅)
    "50 percent; 10 cent;",  # "cent;" (¢)
    "a part; the Mekong Delta; Greek alpha;",  # "part;" (∂), "delta;", "alpha;"
    "file sharing; during;",  # "aring;" (å), "uring;" (ů)
    "an image; real; empty; copy; trade; times;",
    "acute; grave; circ; tilde;",  # bare accent names, no base letter
    "the engrave; subacute;",
    "&unknownname; &; &#; &#xZZ; &#0; &#xD800; &#99999999;",
    "Số 24/2019/NĐ-CP; Điều 5;",
    "",
]


@pytest.mark.parametrize("text", ENTITY_UNCHANGED)
def test_repair_entity_debris_leaves_ordinary_text_alone(text):
    assert repair_entity_debris(text) == text


def test_repair_entity_debris_handles_long_text_fast():
    text = ("Công tác dân vận; a; b; quote; " * 20_000) + "trograve;"
    assert repair_entity_debris(text).endswith("trò")


FOLD_CASES = [
    ("Đảng Cộng sản Việt Nam; Ê-đê; ƯU TIÊN; thuỷ/thủy", "dang cong san viet nam; e-de; uu tien; thuy/thuy"),
    ("ĐÀ NẴNG", "da nang"),
    ("Nghị định 24/2019/NĐ-CP", "nghi dinh 24/2019/nd-cp"),
    ("café, São Paulo, Größe, İstanbul", "cafe, sao paulo, große, istanbul"),
    ("Æsir ø ł", "æsir ø ł"),  # no decomposition: only lowercased
    ("", ""),
]


@pytest.mark.parametrize("text, folded", FOLD_CASES)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("text", [S, unicodedata.normalize("NFD", S), "İstanbul ĐẢNG Ộ", "x" * 10])
def test_fold_is_length_preserving_after_nfc(text):
    assert len(fold(text)) == len(nfc(text))


def test_fold_ignores_normalization_form():
    assert fold(unicodedata.normalize("NFD", S)) == fold(S)


def test_one_line_folds_every_space_and_break_and_drops_invisible_marks():
    from spiders.extract.text import one_line

    assert one_line(" Công\u00a0tác\u200b dân\n\tvận\u2028năm\u30002019 ") == "Công tác dân vận năm 2019"
