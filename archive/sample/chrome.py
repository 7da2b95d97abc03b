"""Page chrome shared by the sample portal's templates: skeletons, menus, portlet decorators.

Markup follows docs/PLATFORMS.md §1-2 and our fixtures (tests/fixtures/pages): Liferay 6.2
classic-derived theme (``b=6205`` build in static URLs), Liferay 7.3 (``b=7310``, ``/o/``
paths, ``portlet-decorate`` headers) and WebSphere Portal 8.5 skins (``wpthemeControl``
with "Skip portlet" / "Portlet Menu" decorators).
"""

from __future__ import annotations

from datetime import date
from html import escape

from .content import INTRO_URL, PORTAL, SECTIONS, VANITY_DOCUMENTS

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
FOOTER_LINES = (
    "Cơ quan chủ quản: Sở Thông tin và Truyền thông tỉnh Hòa Phong",
    "Địa chỉ: Số 25 Lê Lợi, thành phố Hòa Phong - Điện thoại: 0239.3822.415 - Email: stttt@hoaphong.gov.vn",
    "Giấy phép số 08/GP-TTĐT do Sở Thông tin và Truyền thông cấp ngày 12/3/2018.",
    "Ghi rõ nguồn “Cổng thông tin điện tử Sở Thông tin và Truyền thông tỉnh Hòa Phong” khi phát hành lại thông tin từ website này.",
)
MENU = (("Trang chủ", "/vi/trang-chu"), ("Tin tức sự kiện", SECTIONS["news"].path),
        ("Thông báo", SECTIONS["notices"].path), ("Chuyển đổi số", SECTIONS["digital"].path),
        ("Văn bản", VANITY_DOCUMENTS))


OPEN_GRAPH = f'<meta property="og:type" content="website">\n<meta property="og:site_name" content="{PORTAL}">\n'


def e(text) -> str:
    return escape(str(text), quote=True)


def weekday_date(day) -> str:
    """"Thứ năm, 05/03/2020" (Vietnamese weekday names)."""
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"


def today_banner() -> str:
    return f'<div class="egov-date" id="egov_date">{weekday_date(date.today())}</div>'


def footer() -> str:
    lines = "".join(f"<p>{e(line)}</p>" for line in FOOTER_LINES)
    return (f'<footer id="footer" role="contentinfo"><div class="footer-content">'
            f"<h3>CỔNG THÔNG TIN ĐIỆN TỬ {e(PORTAL.upper())}</h3>{lines}</div></footer>")


def menu(selected: str, lr7: bool = False) -> str:
    items = []
    for i, (label, href) in enumerate(MENU, start=2):
        cls = "lfr-nav-item nav-item" if lr7 else "lfr-nav-item"
        cls += " selected active" if href == selected else ""
        link = "nav-link text-truncate" if lr7 else ""
        items.append(f'<li class="{cls}" id="layout_{i}" role="presentation"><a class="{link}" href="{href}" '
                     f'role="menuitem"><span>{e(label)}</span></a></li>')
    return "\n".join(items)


def head(title: str, canonical: str | None, build: str, extra: str = "") -> str:
    link = f'<link href="{e(canonical)}" rel="canonical" />\n' if canonical else ""
    return (f"<head>\n<title>{e(title)}</title>\n"
            '<meta content="initial-scale=1.0, width=device-width" name="viewport" />\n'
            '<meta content="text/html; charset=UTF-8" http-equiv="content-type" />\n'
            f"{link}{extra}"
            f'<link class="lfr-css-file" href="/hoaphong-theme/css/main.css?browserId=other&amp;themeId=hoaphong_WAR_hoaphongtheme&amp;minifierType=css&amp;languageId=vi_VN&amp;b={build}&amp;t=1425367914000" rel="stylesheet" type="text/css" />\n'
            f"{theme_display(build)}\n</head>")


def theme_display(build: str) -> str:
    return ("<script type=\"text/javascript\">var Liferay = Liferay || {}; Liferay.ThemeDisplay = {"
            f'getCompanyId: function() {{return "20099";}}, getScopeGroupId: function() {{return "20143";}}, '
            'getLanguageId: function() {return "vi_VN";}, isSignedIn: function() {return false;}}; '
            "var themeDisplay = Liferay.ThemeDisplay;</script>\n"
            f'<script src="/html/js/barebone.jsp?browserId=other&amp;minifierType=js&amp;languageId=vi_VN&amp;b={build}&amp;t=1425367802000" type="text/javascript"></script>')


# -- Liferay 6.2 ------------------------------------------------------------------------------

def lr6_page(title: str, page_name: str, selected: str, main: str, side: str, *, canonical: str | None = None,
             lang: str = "vi", switch: tuple[str, str] = ("/vi/trang-chu", INTRO_URL), extra_head: str = "",
             crumbs: tuple = (), current: str | None = None) -> str:
    vi, en = switch
    trail = "".join(f'<li><a href="{href}">{e(name)}</a><span class="divider">/</span></li>' for name, href in crumbs)
    return f"""<!DOCTYPE html>
<html class="aui ltr" dir="ltr" lang="{'en-US' if lang == 'en' else 'vi-VN'}">
{head(title, canonical, "6205", extra_head)}
<body class=" yui3-skin-sam controls-visible signed-out public-page site">
<a href="#main-content" id="skip-to-content">Truy cập nội dung luôn</a>
<div class="container-fluid" id="wrapper">
<header id="banner" role="banner">
<div class="top-bar">{today_banner()}
<div class="lang-switch"><a class="lang-vi" href="{vi}" title="Tiếng Việt">VI</a> <a class="lang-en" href="{en}" title="English">EN</a></div></div>
<div id="heading"><h1 class="site-title"><a class="logo custom-logo" href="/vi/trang-chu" title="Đi tới {e(PORTAL)}">
<img alt="{e(PORTAL)}" height="120" src="/image/company_logo?img_id=20811&amp;t=1425368990000" width="1000" /></a>
<span class="site-name">{e(PORTAL)}</span></h1>
<h2 class="page-title"><span>{e(page_name)}</span></h2></div>
<a data-redirect="false" href="/c/portal/login?p_l_id=20836" id="sign-in" rel="nofollow">Đăng nhập</a>
<nav class="sort-pages modify-pages navbar site-navigation" id="navigation" role="navigation">
<div class="navbar-inner"><div class="collapse nav-collapse"><ul aria-label="Trang web" class="nav nav-collapse" role="menubar">
{menu(selected)}
</ul></div></div></nav>
</header>
<div id="content">
<nav id="breadcrumbs"><ul aria-label="Đường dẫn liên kết (Breadcrumb)" class="breadcrumb breadcrumb-horizontal">
<li class="first"><a href="/vi/trang-chu">Trang chủ</a><span class="divider">/</span></li>{trail}
<li class="active last">{e(current or page_name)}</li></ul></nav>
<div class="columns-2" id="main-content" role="main"><div class="portlet-layout row-fluid">
<div class="portlet-column portlet-column-first span8" id="column-1">
<div class="portlet-dropzone portlet-column-content portlet-column-content-first" id="layout-column_column-1">
{main}
</div></div>
<div class="portlet-column portlet-column-last span4" id="column-2">
<div class="portlet-dropzone portlet-column-content portlet-column-content-last" id="layout-column_column-2">
{side}
</div></div>
</div></div>
</div>
{footer()}
</div>
</body>
</html>
"""


def lr6_portlet(portlet_id: str, title: str | None, body: str, css: str = "") -> str:
    """A 6.2 portlet: decorated (``portlet-topper`` title bar) when ``title`` is given, else borderless."""
    root = portlet_id.split("_INSTANCE_")[0]
    inner = (f'<div class="portlet-borderless-container" style=""><div class="portlet-body">\n{body}\n</div></div>'
             if title is None else
             f'<section class="portlet" id="portlet_{portlet_id}">\n<header class="portlet-topper"><h1 class="portlet-title">'
             f'<span class="portlet-title-text">{e(title)}</span></h1>'
             f'<menu class="portlet-topper-toolbar" id="portlet-topper-toolbar_{portlet_id}" type="toolbar"></menu></header>\n'
             f'<div class="portlet-content"><div class=" portlet-content-container" style=""><div class="portlet-body">\n'
             f"{body}\n</div></div></div>\n</section>")
    border = " portlet-borderless" if title is None else ""
    return (f'<div class="portlet-boundary portlet-boundary_{root}_ portlet-static portlet-static-end{border} {css}" '
            f'id="p_p_id_{portlet_id}_">\n<span id="p_{portlet_id}"></span>\n{inner}\n</div>')


def statistic_portlet() -> str:
    body = ('<div class="statistic"><p><span class="label-stat">Đang truy cập:</span> <strong>42</strong></p>'
            '<p><span class="label-stat">Tổng lượt truy cập:</span> <strong>3.418.260</strong></p></div>')
    return lr6_portlet("statistic_WAR_hoaphongportlet", "Thống kê truy cập", body)


# -- Liferay 7 --------------------------------------------------------------------------------

def lr7_page(title: str, selected: str, main: str, side: str, *, canonical: str | None = None, sr_title: str = "") -> str:
    return f"""<!DOCTYPE html>
<html class="ltr" dir="ltr" lang="vi-VN">
{head(title, canonical, "7310", OPEN_GRAPH)}
<body class="controls-visible yui3-skin-sam guest-site signed-out public-page site">
<nav class="quick-access-nav" id="hrsn_quickAccessNav"><h1 class="hide-accessible">Điều hướng</h1>
<ul><li><a href="#main-content">Truy cập nội dung luôn</a></li></ul></nav>
<div class="d-flex flex-column min-vh-100"><div class="d-flex flex-column flex-fill" id="wrapper">
<header id="banner"><div class="top-header"><div class="container d-flex justify-content-between">
<div class="date-today">{weekday_date(date.today())}</div></div></div>
<div class="navbar navbar-classic navbar-top py-3"><div class="container">
<a class="logo custom-logo" href="/vi/trang-chu" title="Đi tới {e(PORTAL)}"><img alt="" height="90" src="/image/layout_set_logo?img_id=48321&amp;t=1615870000000" width="90" /></a>
<div class="site-heading"><p class="top-title">UBND TỈNH HÒA PHONG</p><p class="site-name">{e(PORTAL)}</p></div></div></div>
<nav class="navbar navbar-expand-md navbar-dark bg-primary" id="navigation" role="navigation"><div class="container">
<ul aria-label="Trang web" class="navbar-blank navbar-nav navbar-site" role="menubar">
{menu(selected, lr7=True)}
</ul></div></nav>
</header>
<section class="container flex-fill" id="content">
<h1 class="sr-only">{e(sr_title or title)}</h1>
<div class="columns-2" id="main-content" role="main"><div class="portlet-layout row">
<div class="col-md-8 portlet-column portlet-column-first" id="column-1">
<div class="portlet-dropzone portlet-column-content portlet-column-content-first" id="layout-column_column-1">
{main}
</div></div>
<div class="col-md-4 portlet-column portlet-column-last" id="column-2">
<div class="portlet-dropzone portlet-column-content portlet-column-content-last" id="layout-column_column-2">
{side}
</div></div>
</div></div>
</section>
{footer()}
</div></div>
<script src="/o/frontend-js-web/liferay/global.bundle.js?browserId=other&amp;languageId=vi_VN&amp;b=7310" type="text/javascript"></script>
</body>
</html>
"""


def lr7_portlet(portlet_id: str, title: str | None, body: str, css: str = "") -> str:
    """A 7.x portlet with the "Decorate" decorator (``h2.portlet-title-text``), or barebone without title."""
    root = portlet_id.split("_INSTANCE_")[0]
    header = ('<div class="autofit-float autofit-row portlet-header"><div class="autofit-col autofit-col-expand">'
              f'<h2 class="portlet-title-text">{e(title)}</h2></div></div>\n') if title else ""
    decorator = "portlet-decorate" if title else "portlet-barebone"
    return (f'<div class="portlet-boundary portlet-boundary_{root}_ portlet-static portlet-static-end {decorator} {css}" '
            f'id="p_p_id_{portlet_id}_">\n<span id="p_{portlet_id}"></span>\n'
            f'<section class="portlet" id="portlet_{portlet_id}"><div class="portlet-content">\n{header}'
            f'<div class=" portlet-content-container"><div class="portlet-body">\n{body}\n</div></div></div></section>\n</div>')
