"""WebSphere Portal 8.5 templates: the "Văn bản" WCM section (list and detail pages).

Every portlet wears the skin decorators that leak into text dumps ("Skip portlet", "Portlet
Menu"); detail links carry an opaque ``!ut/p/z1/<state>/`` segment that differs per linking
portlet, so one document has two URLs (section list vs. "Văn bản mới" box).
"""

from __future__ import annotations

from . import content as c
from .chrome import FOOTER_LINES, e

BLANK_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
MAIN_ID = "Z7_K4H0P8B0LG2Q30QHV8B6R200G5"
NAV = (("Trang chủ", "/vi/trang-chu"), ("Tin tức sự kiện", c.SECTIONS["news"].path),
       ("Thông báo", c.SECTIONS["notices"].path), ("Chuyển đổi số", c.SECTIONS["digital"].path),
       ("Văn bản", c.WPS_LIST))


def portlet(wid: str, title: str, body: str) -> str:
    """A skinned portlet: title bar, "Skip portlet" anchor, "Display portlet menu" icon, then the body."""
    return f"""<div class="component-control id-{wid}"><span id="{wid}"></span><section class="ibmPortalControl wpthemeControl wpthemeStandard a11yRegionTarget" role="region" aria-labelledby="title.{wid}">
<div class="asa.portlet" id="asa.portlet.{wid}" style="display:none;"><span class="asa.portlet.id">{wid}</span></div>
<header class="wpthemeControlHeader"><div class="wpthemeInner">
<h2 id="title.{wid}"><img class="dndHandle" draggable="true" src="{BLANK_GIF}" alt="">
<span class="lm-dynamic-title asa.portlet.title a11yRegionLabel"><span lang="vi" dir="ltr">{e(title)}</span></span></h2>
<a class="wpthemeSkipPortlet" href="#skipportlet{wid}"><img alt="Skip portlet" title="Skip portlet" src="/wps/themeModules/themes/html/dynamicSpots/icons/blank.gif" width="1" height="1"><span class="wpthemeAltText">Skip portlet</span></a>
<a aria-haspopup="true" aria-label="Display portlet menu" role="button" href="javascript:;" class="wpthemeIcon wpthemeMenuFocus" tabindex="0"><span title="Display portlet menu"><img aria-label="Display portlet menu" alt="" src="{BLANK_GIF}"></span><span class="wpthemeAltText">Portlet Menu</span></a>
</div></header>
<div class="wpthemeControlBody wpthemeOverflowAuto wpthemeClear">
{body}
<div class="wpthemeClear"></div></div>
</section><a name="skipportlet{wid}"></a></div>"""


def page(cat: c.Catalog, title: str, main: str, crumb: str) -> str:
    nav = "".join(f'<li class="wpthemeNavListItem wpthemeLeft{" wpthemeSelected" if href == c.WPS_LIST else ""}">'
                  f'<a href="{href}"><span lang="vi" dir="ltr">{e(label)}</span></a></li>' for label, href in NAV)
    left = portlet("Z7_K4H0P8B0LG2Q30QHV8B6R20001", "Chuyên mục", '<ul class="menu-left">' + "".join(
        f'<li><a href="{href}">{e(label)}</a></li>' for label, href in NAV[1:]) + "</ul>")
    left += portlet("Z7_K4H0P8B0LG2Q30QHV8B6R20002", "Liên kết website", '<ul class="menu-left"><li>'
                    '<a href="https://chinhphu.vn">Cổng thông tin điện tử Chính phủ</a></li></ul>')
    footer = "".join(f"<p>{e(line)}</p>" for line in FOOTER_LINES)
    return f"""<!DOCTYPE html>
<html lang="vi" dir="ltr" class="lotusui30dojo">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{e(c.PORTAL)} - {e(title)}</title>
<link rel="stylesheet" href="/wps/themeModules/themes/html/hoaphong/css/master.css" type="text/css">
<script type="text/javascript">var ibmCfg = {{portalConfig: {{contentHandlerURI: "/wps/mycontenthandler/", isVirtualPortal: false, locale: "vi", portalURI: "/wps/portal/"}}, userConfig: {{}}}};</script>
</head>
<body class="lotusui30_body lotusui30_fonts lotusui30 lotusui30dojo locale_vi">
<div class="wpthemeFrame">
<header role="banner"><a href="#wpthemeMainContent" class="wpthemeSkip">Bỏ qua liên kết điều hướng</a>
<div class="wpthemeHeader"><div class="wpthemeInner"><div class="wpthemeLogo"><a href="/vi/trang-chu">
<img src="/wps/themeModules/themes/html/hoaphong/images/banner.png" alt="{e(c.PORTAL)}"></a></div></div></div>
<div class="wpthemeBanner"><div class="wpthemeInner"><nav class="wpthemeHeaderNav" aria-label="Điều hướng chính">
<ul class="wpthemeNavList">{nav}</ul></nav></div></div>
</header>
<div class="wpthemeMainContent" id="wpthemeMainContent" role="main" tabindex="-1"><div class="wpthemeInner">
<div class="wpthemeBreadcrumb"><span class="wpthemeBreadcrumbLabel">Bạn đang ở:</span><ul><li><a href="/vi/trang-chu">Trang chủ</a>
<span class="wpthemeBreadcrumbSeparator"> &gt; </span></li><li class="wpthemeSelected"><span lang="vi" dir="ltr">{e(crumb)}</span></li></ul></div>
<div style="display:none" id="portletState">{{}}</div>
<div class="wptheme3Col">
<div class="component-container wpthemeCol wpthemeLeft wpthemeCol3of12 ibmDndColumn" name="left">
{left}
</div>
<div class="component-container wpthemeCol wpthemeLeft wpthemeCol6of12 ibmDndColumn" name="ibmMainContainer">
{main}
</div>
<div class="component-container wpthemeCol wpthemeLeft wpthemeCol3of12 ibmDndColumn" name="right">
{newest_portlet(cat)}
</div>
</div></div></div>
<footer class="wpthemeFooter" role="contentinfo"><div class="wpthemeInner">{footer}</div></footer>
</div>
</body>
</html>
"""


def newest_portlet(cat: c.Catalog) -> str:
    links = "".join(f'<li><a href="{e(c.detail_path(i, "box"))}">{e(i.title)}</a></li>' for i in cat.items["documents"][:5])
    return portlet("Z7_K4H0P8B0LG2Q30QHV8B6R20003", "Văn bản mới", f'<ul class="van-ban-moi">{links}</ul>')


def pager(cat: c.Catalog, page: int) -> str:
    sec = c.SECTIONS["documents"]
    last = cat.pages(sec)

    def link(label: str, target: int) -> str:
        target = min(max(target, 1), last)
        active = ' class="active"' if label == str(page) else ""
        return f'<a href="?1dmy&amp;current=true&amp;WCM_PI=1&amp;{c.WPS_PAGER}={target}"{active}>{e(label)}</a>'

    parts = [link("<<", 1), link("<", page - 1)] + [link(str(n), n) for n in range(1, last + 1)]
    parts += [link(">", page + 1), link(">>", last)]
    return '<div class="phan-trang">' + "&nbsp; ".join(parts) + "</div>"


def list_page(cat: c.Catalog, page_no: int) -> str:
    sec = c.SECTIONS["documents"]
    rows = "\n".join(
        f'<div class="vb-item"><a class="vb-title" href="{e(i.path)}">{e(i.title)}</a> '
        f'<span class="date">({i.date:%d/%m/%Y})</span><p class="vb-trich-yeu">{e(i.paras[0][:200])}</p></div>'
        for i in cat.page_items(sec, page_no))
    main = portlet(MAIN_ID, sec.title, f'<div class="danh-sach-van-ban">\n{rows}\n</div>\n{pager(cat, page_no)}')
    return page(cat, sec.title, main, "Văn bản")


def article_markup(item: c.Item) -> str:
    paras = [f'<p style="text-align: justify;">&nbsp;&nbsp;&nbsp;&nbsp;{e(p)}</p>' for p in item.paras]
    if item.files:
        paras.append('<div class="file-dinh-kem"><strong>Tệp đính kèm:</strong> ' + ", ".join(
            f'<a href="{item.doc_path(name)}">{e(label)}</a>' for name, label in item.files) + "</div>")
    if item.sign:
        name, role = item.sign
        paras.append(f'<p style="text-align: right;"><strong>{e(name)}</strong></p><p style="text-align: right;">{e(role)}</p>')
    return "\n".join(paras)


def detail_page(cat: c.Catalog, item: c.Item) -> str:
    docs = cat.items["documents"]
    at = docs.index(item)
    others = [docs[(at + k) % len(docs)] for k in range(1, 6)]  # every document is in five "other" lists
    related = "".join(f'<li><a href="{e(c.detail_path(o, "box"))}">{e(o.title)}</a></li>' for o in others)
    body = f"""<div class="chitiet-tin">
<div class="tieude-tin"><span class="title">{e(item.title)}</span></div>
<br>
<div class="tieude-ngay"><span class="title-sub">{e(item.title)}</span> <span class="date">({item.date:%d/%m/%Y %I:%M %p})</span></div>
<br>
<div class="noidung-tin">
{article_markup(item)}
</div>
<br>
<div class="cong-cu"><a href="javascript:window.print();" title="In trang"><img src="/wps/themeModules/themes/html/hoaphong/images/print.gif" alt=""></a> |&nbsp; <a href="#top">Đầu trang</a></div>
<div class="related-news"><div class="tieu-de-khac">Các văn bản khác</div><ul>{related}</ul></div>
</div>"""
    return page(cat, item.title, portlet(MAIN_ID, item.section.title, body), item.section.title)
