"""Tests for spiders.extract.dates: table-driven, with a fixed "now" so nothing drifts."""

from datetime import datetime, timedelta, timezone

import pytest

from spiders.extract.dates import ParsedDate, parse_date, to_iso

VN = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh has had no DST since 1975
NOW = datetime(2026, 8, 1, 12, 0, tzinfo=VN)


def vn(*args):
    return datetime(*args, tzinfo=VN)


# (text, expected value, expected raw or None when raw is not checked)
DMY_CASES = [
    # numeric dd/mm/yyyy with time after, AM/PM, labels, brackets, counters
    ("(20/02/2019 08:53 PM)", vn(2019, 2, 20, 20, 53), "20/02/2019 08:53 PM"),
    ("Ngày đăng 21/06/2013 | 12:00 AM", vn(2013, 6, 21, 0, 0), "21/06/2013 | 12:00 AM"),
    ("Publish date 12/09/2018 | 11:41 AM View count 123", vn(2018, 9, 12, 11, 41), "12/09/2018 | 11:41 AM"),
    ("Ngày đăng\n\t\t03/08/2021 | 1:59 PM", vn(2021, 8, 3, 13, 59), "03/08/2021 | 1:59 PM"),
    ("12/01/2019 12:05 SA", vn(2019, 1, 12, 0, 5), "12/01/2019 12:05 SA"),
    ("20/02/2019 8:53 CH", vn(2019, 2, 20, 20, 53), "20/02/2019 8:53 CH"),
    ("20/02/2019 08:53 sáng", vn(2019, 2, 20, 8, 53), "20/02/2019 08:53 sáng"),
    ("20/02/2019 08:53 chiều", vn(2019, 2, 20, 20, 53), "20/02/2019 08:53 chiều"),
    ("20/02/2019 8:53 tối", vn(2019, 2, 20, 20, 53), "20/02/2019 8:53 tối"),
    ("12/09/2018 12:30 PM", vn(2018, 9, 12, 12, 30), "12/09/2018 12:30 PM"),
    ("Thứ Tư, 20/02/2019 - 08:53", vn(2019, 2, 20, 8, 53), "20/02/2019 - 08:53"),
    ("20/02/2019 – 08:53:07", vn(2019, 2, 20, 8, 53, 7), "20/02/2019 – 08:53:07"),
    ("20/02/2019 lúc 08:53", vn(2019, 2, 20, 8, 53), "20/02/2019 lúc 08:53"),
    ("Ngày cập nhật 05/03/2020 10:15:30", vn(2020, 3, 5, 10, 15, 30), "05/03/2020 10:15:30"),
    # time before the date
    ("15:55 | 10/07/2026", vn(2026, 7, 10, 15, 55), "15:55 | 10/07/2026"),
    ("Đăng lúc 20:53 20/02/2019", vn(2019, 2, 20, 20, 53), "20:53 20/02/2019"),
    ("08:53 CH, 20/02/2019", vn(2019, 2, 20, 20, 53), "08:53 CH, 20/02/2019"),
    # weekday prefixes and zone suffixes
    ("Thứ năm, 09/05/2019", vn(2019, 5, 9), "09/05/2019"),
    ("Chủ nhật, 24/2/2019 10:00", vn(2019, 2, 24, 10, 0), "24/2/2019 10:00"),
    ("Thứ 4, 20/02/2019 | 08:53 GMT+7", vn(2019, 2, 20, 8, 53), "20/02/2019 | 08:53 GMT+7"),
    ("Thứ tư, 20/02/2019, 08:53 (GMT+7)", vn(2019, 2, 20, 8, 53), "20/02/2019, 08:53 (GMT+7)"),
    ("20/02/2019 08:53 GMT", vn(2019, 2, 20, 15, 53), "20/02/2019 08:53 GMT"),
    # other separators and hour markers
    ("20.02.2019 08h53", vn(2019, 2, 20, 8, 53), "20.02.2019 08h53"),
    ("20-02-2019 8h53", vn(2019, 2, 20, 8, 53), "20-02-2019 8h53"),
    ("20/02/2019 08g53", vn(2019, 2, 20, 8, 53), "20/02/2019 08g53"),
    ("5/3/2020", vn(2020, 3, 5), "5/3/2020"),
    ("03/04/2019", vn(2019, 4, 3), "03/04/2019"),  # DMY: 3 April
    ("05/03/20", vn(2020, 3, 5), "05/03/20"),
    ("2/20/19 8:53 PM", vn(2019, 2, 20, 20, 53), "2/20/19 8:53 PM"),  # month 20 impossible: swapped
    # ngày D tháng M năm Y
    ("ngày 5 tháng 3 năm 2024", vn(2024, 3, 5), "ngày 5 tháng 3 năm 2024"),
    ("Ngày 20 tháng 02 năm 2019", vn(2019, 2, 20), "Ngày 20 tháng 02 năm 2019"),
    ("20 tháng 2, 2019", vn(2019, 2, 20), "20 tháng 2, 2019"),
    ("20 thg 2, 2019", vn(2019, 2, 20), "20 thg 2, 2019"),
    ("Cập nhật 10:15 ngày 5 tháng 3 năm 2024", vn(2024, 3, 5, 10, 15), "10:15 ngày 5 tháng 3 năm 2024"),
    # ISO 8601 and Y/M/D
    ("2019-02-20", vn(2019, 2, 20), "2019-02-20"),
    ("2019/02/20", vn(2019, 2, 20), "2019/02/20"),
    ("2019-02-20T20:53:00+07:00", vn(2019, 2, 20, 20, 53), "2019-02-20T20:53:00+07:00"),
    ("2019-02-20T13:53:00Z", vn(2019, 2, 20, 20, 53), "2019-02-20T13:53:00Z"),
    ("2019-05-16T05:00:00.000Z", vn(2019, 5, 16, 12, 0), "2019-05-16T05:00:00.000Z"),
    ("2019-02-20T08:53:00-05:00", vn(2019, 2, 20, 20, 53), "2019-02-20T08:53:00-05:00"),
    # English month names
    ("Feb 20, 2019", vn(2019, 2, 20), "Feb 20, 2019"),
    ("February 20, 2019 8:53 PM", vn(2019, 2, 20, 20, 53), "February 20, 2019 8:53 PM"),
    ("Posted on 20 February 2019", vn(2019, 2, 20), "20 February 2019"),
    # dateparser fallback: Vietnamese month words, with labels and sáng/chiều
    ("20 Tháng Hai 2019", vn(2019, 2, 20), "20 Tháng Hai 2019"),
    ("Tháng Hai 20, 2019", vn(2019, 2, 20), "Tháng Hai 20, 2019"),
    ("Cập nhật: 20 tháng Hai 2019 lúc 8:53 tối", vn(2019, 2, 20, 20, 53), "20 tháng Hai 2019 lúc 8:53 tối"),
    # several dates / an invalid one first: the first plausible one wins
    ("20/02/2019 (sửa 21/02/2019)", vn(2019, 2, 20), "20/02/2019"),
    ("31/02/2019 - 01/03/2019", vn(2019, 3, 1), "01/03/2019"),
    ("20/02/1985, đăng lại 20/02/2019", vn(2019, 2, 20), "20/02/2019"),
    # plausibility boundary: tomorrow is still accepted (clock skew, timezones)
    ("02/08/2026", vn(2026, 8, 2), "02/08/2026"),
]

MDY_CASES = [
    ("2/20/19 8:53 PM", vn(2019, 2, 20, 20, 53), "2/20/19 8:53 PM"),
    ("3/4/19", vn(2019, 3, 4), "3/4/19"),
    ("03/04/2019", vn(2019, 3, 4), "03/04/2019"),
    ("Feb 20, 2019", vn(2019, 2, 20), "Feb 20, 2019"),
    ("2019-02-20T13:53:00Z", vn(2019, 2, 20, 20, 53), "2019-02-20T13:53:00Z"),
]

NONE_CASES = [
    "", "   ", "\n\t", None, 12345,
    "2 giờ trước", "5 phút trước", "3 ngày trước", "3 tháng trước", "Hôm qua", "hôm nay",
    "2 hours ago", "yesterday",
    "85,5%", "0912345678", "1550670780", "1550670780000", "20190220",
    "Thứ Tư", "Thứ năm", "Chủ nhật",
    "31/02/2019", "32/01/2019", "20/13/2019", "20/02/2019 25:00",
    "20/02/1985", "1985-02-20",
    "20/12/2030", "2030-01-01T00:00:00Z", "03/08/2026",  # after now + 1 day
    "Tháng 2/2019", "năm 2019", "Văn bản số 123/2019",  # no day: not a publication date
    "1.10.12", "Lượt xem: 1234", "x" * 100_000, "/" * 10_000,
]


@pytest.mark.parametrize("text,value,raw", DMY_CASES)
def test_parse_dmy(text, value, raw):
    got = parse_date(text, now=NOW)
    assert got is not None, text
    assert got.value == value
    assert got.value.utcoffset() == timedelta(hours=7)  # expressed in the portal's tz
    assert got.raw == raw


@pytest.mark.parametrize("text,value,raw", MDY_CASES)
def test_parse_mdy(text, value, raw):
    got = parse_date(text, date_order="MDY", now=NOW)
    assert got is not None, text
    assert (got.value, got.raw) == (value, raw)


@pytest.mark.parametrize("text", NONE_CASES)
def test_not_a_date(text):
    assert parse_date(text, now=NOW) is None


@pytest.mark.parametrize("text,iso", [
    ("(20/02/2019 08:53 PM)", "2019-02-20T20:53:00+07:00"),
    ("2019-02-20T13:53:00Z", "2019-02-20T20:53:00+07:00"),
    ("2019-05-16T05:00:00.000Z", "2019-05-16T12:00:00+07:00"),
    ("12/01/2019 12:05 SA", "2019-01-12T00:05:00+07:00"),
    ("ngày 5 tháng 3 năm 2024", "2024-03-05T00:00:00+07:00"),
])
def test_to_iso(text, iso):
    assert to_iso(parse_date(text, now=NOW).value) == iso


@pytest.mark.parametrize("text,tz,iso", [
    ("20/02/2019 08:53", "UTC", "2019-02-20T08:53:00+00:00"),
    ("2019-02-20T13:53:00Z", "Europe/Paris", "2019-02-20T14:53:00+01:00"),
    ("20/07/2019 08:53", "Europe/Paris", "2019-07-20T08:53:00+02:00"),
])
def test_other_timezones(text, tz, iso):
    assert to_iso(parse_date(text, tz=tz, now=NOW).value) == iso


def test_default_now_rejects_far_future_and_accepts_past():
    assert parse_date("20/02/2999") is None
    assert parse_date("20/02/2019") is not None


def test_naive_now_is_read_in_portal_tz():
    assert parse_date("02/08/2026", now=datetime(2026, 8, 1, 12)) is not None


def test_whitespace_collapsed_in_raw_and_result_is_frozen():
    got = parse_date("Ngày đăng:\r\n  20/02/2019  \t|   08:53\u00a0PM", now=NOW)
    assert got == ParsedDate(vn(2019, 2, 20, 20, 53), "20/02/2019 | 08:53 PM")
    with pytest.raises(AttributeError):
        got.raw = "x"


def test_decomposed_unicode_input():
    import unicodedata
    text = unicodedata.normalize("NFD", "Ngày 20 tháng 02 năm 2019")
    assert parse_date(text, now=NOW).value == vn(2019, 2, 20)


def test_scan_is_capped():
    assert parse_date("x" * 400 + " 20/02/2019", now=NOW) is None
