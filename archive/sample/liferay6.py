"""Liferay 6.2 templates: home page, asset-publisher lists and details, print and exclusive views.

Each function returns HTML (str). ``back`` is the current URL (path and query): asset links
carry it as ``redirect=`` exactly as 6.x does, so following links naively nests it forever.
"""

from __future__ import annotations

import calendar
from datetime import date
from urllib.parse import parse_qs, urlsplit

from . import content as c
from .chrome import e, lr6_page, lr6_portlet, statistic_portlet

PRINT_ACTION = "%2Fasset_publisher%2Fview_content"


def news_date(item: c.Item) -> str:
    return f"{item.date:%d/%m/%Y} | {item.date:%I:%M %p}"


def notice_date(item: c.Item) -> str:
    return f"({item.date:%d/%m/%Y} {item.date:%I:%M} {'SA' if item.date.hour < 12 else 'CH'})"


def pager_href(sec: c.Section, page: int, state: str = "normal") -> str:
    return c.list_path(sec, page, explicit=True).replace("p_p_state=normal", f"p_p_state={state}")


def print_href(item: c.Item) -> str:
    inst = item.section.instance
    ns = f"_101_INSTANCE_{inst}_"
    return (f"{item.section.path}?p_p_id=101_INSTANCE_{inst}&p_p_lifecycle=0&p_p_state=pop_up&p_p_mode=view"
            f"&{ns}struts_action={PRINT_ACTION}&{ns}assetEntryId={item.id}&{ns}type=content&{ns}viewMode=print")


def maximized_href(sec: c.Section) -> str:
    return f"{sec.path}?p_p_id=101_INSTANCE_{sec.instance}&p_p_lifecycle=0&p_p_state=maximized&p_p_mode=view"


def exclusive_href(layout: str) -> str:
    return f"{layout}?p_p_id=101_INSTANCE_{c.FEATURED_INSTANCE}&p_p_lifecycle=0&p_p_state=exclusive&p_p_mode=view"


def rss_href(sec: c.Section) -> str:
    return f"{sec.path}/-/asset_publisher/{sec.instance}/rss"


# -- sidebar portlets ----------------------------------------------------------------------

def calendar_href(layout: str, year: int, month0: int) -> str:
    return (f"{layout}?p_p_id=8&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&p_p_col_id=column-2&p_p_col_count=3"
            f"&_8_struts_action=%2Fcalendar%2Fview&_8_tabs1=month&_8_month={month0}&_8_day=1&_8_year={year}")


def calendar_portlet(layout: str, year: int, month0: int) -> str:
    """The old Calendar portlet (id 8): prev/next month links, endlessly (docs/PLATFORMS.md §5.3)."""
    prev_y, prev_m = (year - 1, 11) if month0 == 0 else (year, month0 - 1)
    next_y, next_m = (year + 1, 0) if month0 == 11 else (year, month0 + 1)
    weeks = calendar.Calendar().monthdayscalendar(year, month0 + 1)
    rows = "".join("<tr>" + "".join(f"<td>{d or ''}</td>" for d in week) + "</tr>" for week in weeks)
    body = (f'<div class="calendar-nav"><a class="prev" href="{e(calendar_href(layout, prev_y, prev_m))}">&laquo;</a> '
            f'<span class="month">Tháng {month0 + 1}/{year}</span> '
            f'<a class="next" href="{e(calendar_href(layout, next_y, next_m))}">&raquo;</a></div>'
            '<table class="calendar-table"><tr><th>T2</th><th>T3</th><th>T4</th><th>T5</th><th>T6</th><th>T7</th>'
            f"<th>CN</th></tr>{rows}</table>")
    return lr6_portlet("8", "Lịch công tác", body, "portlet-calendar")


def featured_portlet(cat: c.Catalog, layout: str, back: str) -> str:
    links = "".join(
        f'<li><a href="{c.with_redirect(item.path, back)}">{e(item.title)}</a> <span class="date">({item.date:%d/%m/%Y})</span></li>'
        for item in cat.items["news"][:4])
    body = (f'<ul class="title-list">{links}</ul>'
            f'<div class="portlet-refresh"><a href="{e(exclusive_href(layout))}">Làm mới</a></div>')
    return lr6_portlet(f"101_INSTANCE_{c.FEATURED_INSTANCE}", "Tin nổi bật", body, "portlet-asset-publisher")


def side_column(cat: c.Catalog, layout: str, back: str, cal: tuple[int, int] | None) -> str:
    today = date.today()
    year, month0 = cal or (today.year, today.month - 1)
    return "\n".join((featured_portlet(cat, layout, back), calendar_portlet(layout, year, month0), statistic_portlet()))


# -- article bodies ------------------------------------------------------------------------

def paragraphs(item: c.Item) -> str:
    """The template output: paragraphs, the image after the first one, attachments, the signature."""
    out = []
    for i, para in enumerate(item.paras):
        out.append(f'<p style="text-align: justify;">{e(para)}</p>')
        if i == 0 and item.image:
            name, caption = item.image
            out.append(f'<p style="text-align: center;"><img alt="" src="{item.doc_path(name)}" style="width: 600px;" /></p>'
                       f'<p style="text-align: center;"><em>{e(caption)}</em></p>')
    if item.files:
        links = "; ".join(f'<a href="{item.doc_path(name)}">{e(label)}</a>' for name, label in item.files)
        out.append(f'<p class="file-attach"><strong>Tệp đính kèm:</strong> {links}</p>')
    if isinstance(item.sign, str):
        out.append(f'<p style="text-align: right;"><strong><em>{e(item.sign)}</em></strong></p>')
    return "\n".join(out)


def related(cat: c.Catalog, item: c.Item, back: str, heading: str) -> str:
    others = [o for o in cat.items[item.section.key] if o.id != item.id][:5]
    links = "".join(f'<li><a href="{c.with_redirect(o.path, back)}">{e(o.title)}</a> '
                    f'<span class="date">({o.date:%d/%m/%Y})</span></li>' for o in others)
    return (f'<div class="related-news"><div class="related-news-title">{heading}</div>'
            f'<ul class="related-news-list">{links}</ul></div>')


def news_detail(cat: c.Catalog, item: c.Item, back: str, views: int = 0) -> str:
    """Custom template (like our ap-full-content fixture): title div, "Ngày đăng", sapo, text, signature."""
    inst = item.section.instance
    sapo = f'<div class="sapo-wrapper clearfix"><p class="sapo"><strong>{e(item.sapo)}</strong></p></div>' if item.sapo else ""
    return f"""<h1 class="asset-full-content-title">{e(item.title)}</h1>
<div class="assetPublishDate block-timer"><span class="label-date">Ngày đăng</span> {news_date(item)} <span class="view-count">| Lượt xem: {item.id % 1700 + 120 + views}</span></div>
<div class="asset-full-content show-asset-title">
<div class="asset-content" id="_101_INSTANCE_{inst}_{item.id}">
{sapo}
<div class="journal-content-article">
{paragraphs(item)}
</div>
<p align="right" class="view-content-author"><strong><em>Quản trị viên</em></strong></p>
</div></div>
<div class="asset-control-detail">
<span class="print-action"><a class="taglib-icon" href="{e(print_href(item))}"><span class="taglib-text">In bài viết</span></a></span> |
<span class="back-action"><a href="{e(back_link(back))}">Quay lại</a></span>
</div>
{related(cat, item, back, "Các tin khác")}"""


def notice_detail(cat: c.Catalog, item: c.Item, back: str) -> str:
    """Stock 6.2 detail: ``taglib-header`` back link and ``h3.header-title``; the template prints the date."""
    inst = item.section.instance
    return f"""<div class="taglib-header ">
<span class="header-back-to"><a class="icon-circle-arrow-left previous-level" href="{e(back_link(back))}" title="Quay lại"><span class="helper-hidden-accessible">Quay lại</span></a></span>
<h3 class="header-title"><span>{e(item.title)}</span></h3>
</div>
<div class="asset-full-content default-asset-publisher show-asset-title">
<div class="asset-user-actions"><div class="print-action"><a href="{e(print_href(item))}" title="In {e(item.title)}">In</a></div></div>
<div class="asset-content" id="_101_INSTANCE_{inst}_{item.id}">
<div class="journal-content-article">
<p class="ngay-dang">{notice_date(item)}</p>
{paragraphs(item)}
</div></div>
</div>
{related(cat, item, back, "Các thông báo khác")}"""


def back_link(back: str) -> str:
    """The page a detail's "back" link returns to: its own ``redirect`` parameter, else the section."""
    return parse_qs(urlsplit(back).query).get("redirect", [urlsplit(back).path.split("/-/")[0]])[0]


def detail_page(cat: c.Catalog, item: c.Item, back: str, *, views: int = 0, lang: str = "vi", cal=None,
                canonical: str | None = None) -> str:
    sec = item.section
    body = article_body(cat, item, back, views)
    css = "portlet-asset-publisher"
    main = (lr6_portlet(f"101_INSTANCE_{sec.instance}", None, body, css) if sec.key == "news"
            else lr6_portlet(f"101_INSTANCE_{sec.instance}", sec.title, body, css))
    switch = (c.detail_path(item, lang="vi"), c.detail_path(item, lang="en"))
    return lr6_page(f"{item.title} - {sec.title} - {c.PORTAL}", sec.title, sec.path, main,
                    side_column(cat, sec.path, back, cal), canonical=canonical, lang=lang, switch=switch,
                    crumbs=((sec.title, sec.path),), current=item.title)


def article_body(cat: c.Catalog, item: c.Item, back: str, views: int) -> str:
    return news_detail(cat, item, back, views) if item.section.key == "news" else notice_detail(cat, item, back)


def print_page(cat: c.Catalog, item: c.Item, views: int = 0) -> str:
    """``p_p_state=pop_up`` + ``viewMode=print``: the article alone, no theme, prints itself on load."""
    body = article_body(cat, item, item.path, views)
    return (f'<!DOCTYPE html>\n<html class="aui ltr" dir="ltr" lang="vi-VN"><head><title>{e(item.title)} - {e(c.PORTAL)}</title>'
            '<meta content="text/html; charset=UTF-8" http-equiv="content-type" /></head>\n'
            f'<body class="portal-popup yui3-skin-sam">\n{lr6_portlet(f"101_INSTANCE_{item.section.instance}", None, body)}\n'
            '<script type="text/javascript">print();</script>\n</body></html>\n')


# -- lists ---------------------------------------------------------------------------------

def list_item(item: c.Item, back: str) -> str:
    href = e(c.with_redirect(item.path, back))
    thumb = (f'<div class="news-image"><a href="{href}"><img alt="" src="{item.doc_path(item.image[0])}" /></a></div>'
             if item.image else "")
    summary = item.sapo or item.paras[0]
    return (f'<div class="news-item clearfix">{thumb}<div class="news-info">'
            f'<h3 class="asset-title"><a href="{href}">{e(item.title)}</a></h3>'
            f'<div class="news-date">({item.date:%d/%m/%Y})</div>'
            f'<div class="asset-summary">{e(summary[:220])}</div></div></div>')


def pager(cat: c.Catalog, sec: c.Section, page: int, state: str) -> str:
    last, total = cat.pages(sec), len(cat.items[sec.key])

    def li(label: str, target: int, css: str = "", arrow: bool = True) -> str:
        off = target == page or not 1 <= target <= last
        href = "javascript:;" if off else pager_href(sec, target, state)
        cls = " ".join(x for x in (css, "disabled" if off and arrow else "", "active" if off and not arrow else "") if x)
        return f'<li class="{cls}"><a href="{e(href)}">{e(label)}</a></li>'

    buttons = [li("<<", 1, "first"), li("<", page - 1)] + [li(str(n), n, arrow=False) for n in range(1, last + 1)]
    buttons += [li(">", page + 1), li(">>", last, "last")]
    first = (page - 1) * c.PER_PAGE + 1
    return (f'<div class="taglib-page-iterator" id="_101_INSTANCE_{sec.instance}_ocerSearchContainerPageIterator">'
            f'<small class="search-results">Hiển thị {first} - {min(first + c.PER_PAGE - 1, total)} of {total} kết quả.</small>'
            f'<div class="clearfix lfr-pagination"><ul class="pager lfr-pagination-buttons">{"".join(buttons)}</ul></div></div>')


def list_page(cat: c.Catalog, sec: c.Section, page: int, back: str, *, state: str = "normal", lang: str = "vi", cal=None,
              canonical: str | None = None) -> str:
    items = "\n".join(list_item(item, back) for item in cat.page_items(sec, page))
    rss = (f'<div class="subscribe-action"><a class="rss-link" href="{rss_href(sec)}">Đăng ký RSS</a></div>'
           if sec.key == "news" else "")
    back_icon = (f'<a class="portlet-icon-back" href="{sec.path}">Chuyển tới trang đầy đủ</a>' if state == "maximized" else "")
    body = f'{back_icon}{rss}<div class="news-list">\n{items}\n</div>\n{pager(cat, sec, page, state)}'
    main = lr6_portlet(f"101_INSTANCE_{sec.instance}", sec.title, body, "portlet-asset-publisher")
    head = (f'<link href="{rss_href(sec)}" rel="alternate" title="{e(sec.title)}" type="application/atom+xml" />\n'
            if sec.key == "news" else "")
    switch = ("/vi" + sec.path[3:], "/en" + sec.path[3:])
    return lr6_page(f"{sec.title} - {c.PORTAL}", sec.title, sec.path, main, side_column(cat, sec.path, back, cal),
                    canonical=canonical, lang=lang, switch=switch, extra_head=head)


def exclusive_fragment(cat: c.Catalog, layout: str, back: str) -> str:
    """``p_p_state=exclusive``: the portlet's markup alone (no html, no theme)."""
    return featured_portlet(cat, layout, back)


def home_page(cat: c.Catalog, back: str, cal=None, canonical: str | None = None) -> str:
    """Home: slider, "Tin nổi bật" boxes per section, links box (301, 404, RSS), calendar."""
    news, notices, digital = cat.items["news"], cat.items["notices"], cat.items["digital"]
    top = news[0]
    featured = (f'<div class="featured-news clearfix"><div class="featured-image"><a href="{e(c.with_redirect(top.path, back))}">'
                f'<img alt="" src="{top.doc_path(top.image[0])}" /></a></div>'
                f'<h2 class="featured-title"><a href="{e(c.with_redirect(top.path, back))}">{e(top.title)}</a></h2>'
                f'<div class="featured-date">{top.date:%d/%m/%Y}</div><div class="featured-summary">{e(top.sapo)}</div></div>'
                + _title_list(news[1:5], back) + _more(maximized_href(c.SECTIONS["news"])))
    boxes = [lr6_portlet(f"101_INSTANCE_{c.SECTIONS['news'].instance}", "Tin tức sự kiện", featured, "portlet-asset-publisher"),
             lr6_portlet(f"101_INSTANCE_{c.SECTIONS['notices'].instance}", "Thông báo",
                         _title_list(notices[:5], back) + _more(maximized_href(c.SECTIONS["notices"])), "portlet-asset-publisher"),
             lr6_portlet("56_INSTANCE_Dg3Hs8Lk1Pw6", "Chuyển đổi số",
                         _title_list(digital[:4], None) + _more(c.SECTIONS["digital"].path), "portlet-journal-content"),
             lr6_portlet("56_INSTANCE_Vb6Jm2Qr8Ty5", "Văn bản chỉ đạo điều hành",
                         f'<p><a href="{c.VANITY_DOCUMENTS}">Tra cứu văn bản chỉ đạo, điều hành của Sở</a></p>', "portlet-journal-content")]
    links = (f'<ul class="links"><li><a href="{e(c.OLD_URL)}">Xếp hạng chuyển đổi số cấp tỉnh (trang cũ)</a></li>'
             f'<li><a href="{c.MISSING_URL}">Sơ đồ cổng thông tin</a></li>'
             f'<li><a href="{rss_href(c.SECTIONS["news"])}">RSS Tin tức sự kiện</a></li></ul>')
    side = "\n".join((lr6_portlet("56_INSTANCE_Lk4Wz7Nc2Xb9", "Liên kết", links, "portlet-journal-content"),
                      side_column(cat, "/vi/trang-chu", back, cal)))
    return lr6_page(f"Trang chủ - {c.PORTAL}", "Trang chủ", "/vi/trang-chu", "\n".join(boxes), side, canonical=canonical)


def _title_list(items: list[c.Item], back: str | None) -> str:
    links = "".join(
        f'<li><a href="{e(c.with_redirect(i.path, back) if back else i.path)}">{e(i.title)}</a> '
        f'<span class="date">({i.date:%d/%m/%Y})</span></li>' for i in items)
    return f'<ul class="other-news">{links}</ul>'


def _more(href: str) -> str:
    return f'<div class="asset-more"><a href="{e(href)}">Xem tiếp &raquo;</a></div>'

