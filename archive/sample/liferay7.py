"""Liferay 7.3 templates: the "Chuyển đổi số" ADT list and its ``/w/<urlTitle>`` display pages.

The ADT prints every card twice (desktop and mobile markup, as the HCMC portal does), the
lexicon pager pages with ``_<ns>_cur``, and the "sort" link appends its parameters to the
current URL, so its query grows on every visit (an endless-query trap).
"""

from __future__ import annotations

from . import content as c
from .chrome import e, lr7_page, lr7_portlet, weekday_date

WCD = "com_liferay_journal_content_web_portlet_JournalContentPortlet_INSTANCE_Wd4Kc8Ns2Qv6"
BREADCRUMB = "com_liferay_site_navigation_breadcrumb_web_portlet_SiteNavigationBreadcrumbPortlet_INSTANCE_Bc7Xw1Lm5Zp3"
LATEST = c.L7_AP + "Nw3Tz6Hy9Ru2"


def sort_href(sec: c.Section, back: str) -> str:
    """The template's sort link: ``currentURL + "&…"`` (never replaced, only appended)."""
    ns = f"_{c.L7_AP}{sec.instance}_"
    return f"{back}{'&' if '?' in back else '?'}{ns}orderByCol=displayDate&{ns}orderByType=desc"


def card(item: c.Item, css: str) -> str:
    thumb = f'<img alt="" class="news-thumb" src="{item.doc_path(item.image[0])}" />' if item.image else ""
    return (f'<div class="news-item {css}"><a href="{item.path}">{thumb}</a>'
            f'<p class="asset-publisher-title" title="{e(item.title)}"><a href="{item.path}">{e(item.title)}</a></p>'
            f'<span class="text-date-sklh">{item.date:%H:%M} | {item.date:%d/%m/%Y}</span>'
            f'<div class="limit-tin-descc-news">{e(item.paras[0][:200])}</div></div>')


def pagination(cat: c.Catalog, sec: c.Section, page: int) -> str:
    last, total = cat.pages(sec), len(cat.items[sec.key])

    def li(inner: str, target: int, arrow: bool) -> str:
        off = target == page or not 1 <= target <= last
        cls = "page-item" + (" disabled" if off and arrow else " active" if off else "")
        href = "javascript:;" if off else c.list_path(sec, target, explicit=True)
        return f'<li class="{cls}"><a class="page-link" href="{e(href)}">{inner}</a></li>'

    items = [li('<span class="icon-caret-left"></span>', page - 1, True)]
    items += [li(str(n), n, False) for n in range(1, last + 1)]
    items.append(li('<span class="icon-caret-right"></span>', page + 1, True))
    first = (page - 1) * c.PER_PAGE + 1
    return (f'<div class="pagination-bar" data-qa-id="paginator"><div class="pagination-results">Hiển thị {first} đến '
            f'{min(first + c.PER_PAGE - 1, total)} trong {total} mục.</div><ul class="pagination">{"".join(items)}</ul></div>')


def latest_portlet(cat: c.Catalog, exclude: c.Item | None = None) -> str:
    items = [i for i in cat.items["digital"] if exclude is None or i.id != exclude.id][:5]
    links = "".join(
        f'<li class="list-group-item list-group-item-flex"><div class="autofit-col autofit-col-expand">'
        f'<h4 class="list-group-title text-truncate-inline"><a class="text-truncate" href="{i.path}">{e(i.title)}</a></h4>'
        f'<p class="list-group-subtitle">{i.date:%d/%m/%Y %H:%M}</p></div></li>' for i in items)
    return lr7_portlet(LATEST, "Tin mới", f'<ul class="display-style-title-list list-group">{links}</ul>', "portlet-asset-publisher")


def notices_portlet(cat: c.Catalog) -> str:
    links = "".join(f'<li><a href="{i.path}">{e(i.title)}</a></li>' for i in cat.items["notices"][:3])
    return lr7_portlet("com_liferay_journal_content_web_portlet_JournalContentPortlet_INSTANCE_Tz9Gb3Vf7Kd1",
                       "Thông báo", f'<ul class="list-unstyled">{links}</ul>', "portlet-journal-content")


def list_page(cat: c.Catalog, sec: c.Section, page: int, back: str, canonical: str | None = None) -> str:
    cards = "\n".join(card(i, "d-none d-md-block") + "\n" + card(i, "d-md-none") for i in cat.page_items(sec, page))
    body = (f'<div class="sort-bar"><a href="{e(sort_href(sec, back))}">Sắp xếp theo ngày đăng</a></div>\n'
            f'<div class="news-items">\n{cards}\n</div>\n{pagination(cat, sec, page)}')
    main = lr7_portlet(f"{c.L7_AP}{sec.instance}", sec.title, body, "portlet-asset-publisher")
    return lr7_page(f"{sec.title} - {c.PORTAL}", sec.path, main, notices_portlet(cat), canonical=canonical)


def article_markup(item: c.Item) -> str:
    paras = [f'<p style="text-align: justify;">{e(p)}</p>' for p in item.paras]
    if item.image:
        name, caption = item.image
        paras.insert(1, f'<figure class="news-figure"><img alt="{e(caption)}" src="{item.doc_path(name)}" />'
                        f"<figcaption>{e(caption)}</figcaption></figure>")
    author = (f'<p class="news-author" style="text-align: right;">Tác giả: <strong>{e(item.sign)}</strong></p>'
              if item.sign else "")
    stamp = f"{weekday_date(item.date)} - {item.date:%H:%M}"
    return (f'<div class="news-detail">\n<h1 class="news-title">{e(item.title)}</h1>\n'
            f'<div class="news-date"><i class="far fa-calendar-alt"></i> {stamp}</div>\n'
            f'<div class="news-body">\n' + "\n".join(paras) + f"\n</div>\n{author}\n</div>")


def detail_page(cat: c.Catalog, item: c.Item, canonical: str | None = None) -> str:
    """Display page: the Web Content Display portlet, decorated, so its title bar repeats the headline."""
    sec = item.section
    crumbs = (f'<nav aria-label="Đường dẫn"><ol class="breadcrumb"><li class="breadcrumb-item"><a class="breadcrumb-link" '
              f'href="/vi/trang-chu">Trang chủ</a></li><li class="breadcrumb-item"><a class="breadcrumb-link" href="{sec.path}">'
              f'{e(sec.title)}</a></li><li class="active breadcrumb-item">{e(item.title)}</li></ol></nav>')
    article = (f'<div class="user-tool-asset-addon-entries"><div class="print-action"><a href="javascript:window.print();" '
               f'title="In"><span class="sr-only">In</span></a></div></div>\n'
               f'<div class="clearfix journal-content-article" data-analytics-asset-id="{item.id}" '
               f'data-analytics-asset-title="{e(item.title)}" data-analytics-asset-type="web-content" '
               f'id="_{WCD}_journal_content_article_{item.id}">\n{article_markup(item)}\n</div>')
    main = lr7_portlet(BREADCRUMB, None, crumbs, "portlet-breadcrumb") + "\n" + lr7_portlet(WCD, item.title, article, "portlet-journal-content")
    side = latest_portlet(cat, item) + "\n" + notices_portlet(cat)
    return lr7_page(f"{item.title} - {c.PORTAL}", sec.path, main, side, canonical=canonical, sr_title=item.title)
