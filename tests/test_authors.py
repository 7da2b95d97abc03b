"""Bylines and signatures: real names in, CMS accounts and source lines out."""

import pytest

from spiders.extract.authors import byline_authors, is_account, looks_like_name, names_from, trailing_signature
from spiders.extract.blocks import Line


@pytest.mark.parametrize("name", ["admin admin", "Ad Min", "Admin English", "Pho Ban bien tap", "To Thu Ky", "Webmaster"])
def test_cms_accounts_are_recognised(name):
    assert is_account(name)


@pytest.mark.parametrize("name", ["Phạm Văn Linh", "Bùi Thị Quỳnh", "Thu Lan", "Nguyễn Đình Tề", "Lê Xuân Hải"])
def test_real_names_are_not_accounts(name):
    assert not is_account(name)
    assert looks_like_name(name)


@pytest.mark.parametrize("text", ["Chi tiết xem tại văn bản đính kèm", "ngày 5 tháng 3", "Năm 2024", "Hà Nội, ngày 12/3/2024"])
def test_sentences_are_not_names(text):
    assert not looks_like_name(text)


@pytest.mark.parametrize(
    "raw, names",
    [
        ("Bài và ảnh: Minh Hằng", ["Minh Hằng"]),
        ("Tác giả: Trần Văn Bình", ["Trần Văn Bình"]),
        ("Minh Thu - Phạm Văn Linh", ["Minh Thu", "Phạm Văn Linh"]),
        ("Thanh Bình (tổng hợp)", ["Thanh Bình"]),
        ("admin admin", []),
        ("Pho Ban bien tap", []),
    ],
)
def test_names_from_byline_text(raw, names):
    assert [a.name for a in names_from(raw)] == names


def test_stock_liferay_by_user_metadata_is_never_an_author():
    assert byline_authors("Bởi Nguyễn Văn A") == []
    assert byline_authors("By admin admin") == []


def _lines(*specs):
    return [Line(text, right=right, emphasis=emph) for text, right, emph in specs]


def test_signature_with_role_line_keeps_role_out_of_name():
    lines = _lines(
        ("Để làm tốt công tác dân vận, Ban dân vận các cấp cần đổi mới nội dung.", False, 0.0),
        ("Nguyễn Đình Tề", True, 1.0),
        ("UVBTV, Trưởng Ban Dân vận Thị ủy", True, 0.0),
    )
    sig = trailing_signature(lines)
    assert sig.lines == 2
    assert [(a.name, a.role) for a in sig.authors] == [("Nguyễn Đình Tề", "UVBTV, Trưởng Ban Dân vận Thị ủy")]


def test_source_line_ends_the_body_but_is_not_an_author():
    lines = _lines(("Nội dung bài viết đầy đủ ở đây.", False, 0.0), ("Hoàng Anh", True, 0.0), ("Nguồn: Sở Tư pháp", True, 0.0))
    sig = trailing_signature(lines)
    assert sig.lines == 2
    assert [a.name for a in sig.authors] == ["Hoàng Anh"]


def test_plain_last_paragraph_is_not_a_signature():
    lines = _lines(("Đoạn đầu tiên của bài.", False, 0.0), ("Chi tiết xem tại văn bản đính kèm", False, 0.0))
    assert trailing_signature(lines).lines == 0


def test_surname_truong_is_not_a_role():
    lines = _lines(("Bài viết.", False, 0.0), ("Trương Văn Bình", True, 1.0))
    assert [a.name for a in trailing_signature(lines).authors] == ["Trương Văn Bình"]


def test_photo_caption_in_italics_is_not_a_signature():
    caption = "Đ/c Trương Tú Tài, Bí thư Chi bộ trao Quyết định kết nạp đảng cho đ/c Nguyễn Văn Lĩnh. Ảnh: Thu Lan"
    lines = _lines(("Buổi lễ diễn ra trang trọng.", False, 0.0), (caption, False, 1.0), ("Thu Lan", True, 1.0))
    sig = trailing_signature(lines)
    assert [a.name for a in sig.authors] == ["Thu Lan"] and sig.lines == 1


@pytest.mark.parametrize("text", ["Nhóm PV", "PV", "CTV", "Đ"])
def test_generic_credits_and_initials_are_not_names(text):
    assert not looks_like_name(text)
