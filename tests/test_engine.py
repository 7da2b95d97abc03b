"""Engine behaviours on small synthetic pages: where a date may come from, listings, body HTML."""

from __future__ import annotations

import pytest

from spiders.extract import extract_article

PORTLET = """<html lang="vi-VN"><head><title>{title} - Sở Thông tin</title></head><body>
<div id="banner"><span class="date">Thứ năm, 27/11/2025</span></div>
<div class="portlet-boundary portlet-boundary_101_" id="p_p_id_101_INSTANCE_abcdefghijkl_">
 <div class="portlet-body">
  <div class="asset-full-content-title">{title}</div>
  {dateline}
  <div class="asset-full-content"><div class="asset-content">
   <div class="journal-content-article">{body}</div>
  </div></div>
  {extra}
 </div>
</div></body></html>"""

TITLE = "Sở Thông tin và Truyền thông tổ chức hội nghị chuyển đổi số"
PARAS = "<p>Sáng nay, hội nghị đã diễn ra với sự tham gia của nhiều đơn vị trong tỉnh.</p>" * 3


def page(dateline: str = "", body: str = PARAS, extra: str = "") -> bytes:
    return PORTLET.format(title=TITLE, dateline=dateline, body=body, extra=extra).encode("utf-8")


def test_today_banner_outside_the_article_portlet_is_never_the_date():
    # An asset publisher detail view is an article even when its template prints no date.
    result = extract_article(page(), url="https://x.gov.vn/vi/tin/-/view_content/1-a")
    assert result.isArticle is True and result.headline == TITLE
    assert result.datePublished is None


def test_without_a_date_a_page_that_is_no_detail_view_is_not_an_article():
    raw = page().replace(b"asset-full-content", b"box").replace(b"asset-content", b"box-inner")
    result = extract_article(raw, url="https://x.gov.vn/vi/gioi-thieu")
    assert result.isArticle is False and "no publication date" in result.reason


def test_a_date_opening_a_body_paragraph_is_not_the_publication_date():
    body = "<p>Ngày 16/4/2019, tại Sở Thông tin và Truyền thông đã diễn ra lễ trao quyết định bổ nhiệm cán bộ.</p>"
    result = extract_article(page(body=body * 2), url="https://x.gov.vn/vi/tin/-/view_content/1-a")
    assert result.datePublished is None


def test_related_list_dates_are_not_the_article_date():
    related = ('<div class="tin-khac-box"><h3>Tin liên quan</h3><ul>'
               '<li><a href="/a">Một bài viết khác về chuyển đổi số</a> <span class="date">(01/01/2020)</span></li>'
               '<li><a href="/b">Một bài viết khác nữa trong chuyên mục</a> <span class="date">(02/01/2020)</span></li>'
               "</ul></div>")
    result = extract_article(page(extra=related), url="https://x.gov.vn/vi/tin/-/view_content/1-a")
    assert result.datePublished is None
    assert "Một bài viết khác" not in result.articleBody


def test_date_element_gives_iso_date_raw_text_and_rule():
    dateline = '<div class="assetPublishDate">Ngày đăng 21/06/2013 | 3:05 PM</div>'
    result = extract_article(page(dateline=dateline), url="https://x.gov.vn/vi/tin/-/view_content/1-a")
    assert result.datePublished == "2013-06-21T15:05:00+07:00"
    assert result.datePublishedRaw == "21/06/2013 | 3:05 PM"
    assert result.metadata["fieldSources"]["datePublished"] == ".assetPublishDate"
    assert result.headline == TITLE


@pytest.mark.parametrize(
    "url, is_article",
    [
        ("https://x.gov.vn/vi/dau-thau", False),  # the section page in full-content list mode
        ("https://x.gov.vn/vi/dau-thau/-/view_content/123-ke-hoach", True),  # the article's own page
    ],
)
def test_full_text_beside_a_list_pager_is_a_listing_only_on_a_section_url(url, is_article):
    pager = ('<div class="taglib-page-iterator"><ul class="pager lfr-pagination-buttons">'
             '<li><a href="/vi/dau-thau?p_p_id=101&_101_cur=2">Tiếp</a></li></ul></div>')
    dateline = '<div class="assetPublishDate">15/05/2021 | 9:16 AM</div>'
    result = extract_article(page(dateline=dateline, extra=pager), url=url)
    assert result.isArticle is is_article


def test_body_html_is_sanitised_and_links_are_absolute():
    body = PARAS + '<p onclick="steal()">Xem <a href="/documents/1/2/qd.pdf">Quyết định</a></p><script>alert(1)</script>'
    dateline = '<div class="assetPublishDate">15/05/2021 | 9:16 AM</div>'
    result = extract_article(page(dateline=dateline, body=body), url="https://x.gov.vn/vi/tin/-/view_content/1-a")
    assert "onclick" not in result.articleBodyHtml and "<script" not in result.articleBodyHtml
    assert 'href="https://x.gov.vn/documents/1/2/qd.pdf"' in result.articleBodyHtml
    assert [a.url for a in result.attachments] == ["https://x.gov.vn/documents/1/2/qd.pdf"]
    assert "alert" not in result.articleBody


def test_not_an_article_for_non_html_bytes():
    result = extract_article(bytes(range(256)) * 100)
    assert result.isArticle is False and result.reason


def test_in_language_follows_the_text_not_the_english_ui_chrome():
    dateline = '<div class="assetPublishDate">Publish date 15/05/2021 | 9:16 AM</div>'
    raw = page(dateline=dateline).replace(b'lang="vi-VN"', b'lang="en-US"')
    result = extract_article(raw, url="https://x.gov.vn/en/tin/-/view_content/1-a")
    assert result.inLanguage == "vi"
    english = raw.replace(PARAS.encode(), b"<p>The meeting was attended by many departments of the province today.</p>" * 3)
    assert extract_article(english, url="https://x.gov.vn/en/tin/-/view_content/1-a").inLanguage == "en"


def _teaser(n: int) -> str:
    return (f'<div class="news-item"><a href="/vi/tin/-/view_content/{n}-tin-{n}">Tin thứ {n}: hội nghị triển khai kế '
            f'hoạch chuyển đổi số</a> <span class="date">(0{n}/03/2025)</span><p>Tóm tắt tin thứ {n}.</p></div>')


def test_two_teasers_that_are_the_whole_body_are_a_listing_but_not_under_an_article():
    """A section with two articles (or a list's last page) is a list; two "related" teasers under an article's
    own text are a small share of it, and the page stays an article."""
    listing = extract_article(page(body=_teaser(1) + _teaser(2)), url="https://x.gov.vn/vi/tin-tuc")
    assert listing.isArticle is False and listing.reason == "listing: teasers linking to other pages"
    article = extract_article(page(body=PARAS * 2 + _teaser(1) + _teaser(2)), url="https://x.gov.vn/vi/tin/-/view_content/9-a")
    assert article.isArticle is True and article.headline == TITLE
