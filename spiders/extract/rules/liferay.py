"""Liferay 6.x and 7.x/DXP rules (docs/PLATFORMS.md §1-3).

Stock markup first (asset publisher detail, web content display), then what vendor themes
and ADTs on Vietnamese portals print; the generic rules of ``common`` follow.
"""

from .common import COMMON

# Portlets that are never the article: navigation, breadcrumb, search, language, login, RSS, site map,
# categories, tags (6.x ids) and their 7.x OSGi names.
NOT_ARTICLE_PORTLETS = (
    ".portlet-boundary_71_", ".portlet-boundary_73_", ".portlet-boundary_3_", ".portlet-boundary_82_",
    ".portlet-boundary_58_", ".portlet-boundary_39_", ".portlet-boundary_85_", ".portlet-boundary_122_",
    ".portlet-boundary_141_", "[class*='SiteNavigation']", "[class*='portal_search_web']",
    "[class*='LanguagePortlet']", "[class*='LoginPortlet']", "[class*='sessiontracking']",
    "[class*='weatherportlet']", ".portlet-dockbar",
)

LIFERAY_6 = COMMON.extend(
    "liferay-6.2",
    noise=NOT_ARTICLE_PORTLETS + (".portlet-borderless-bar", ".lfr-icon-menu", ".portlet-icon-back",
                                  ".taglib-header .header-back-to", ".lfr-add-content"),
    portlets=("[id^='p_p_id_']", "section.portlet", ".portlet-boundary"),
    portlet_titles=(".portlet-topper", ".portlet-title", ".portlet-title-text", ".portlet-topper-toolbar"),
    detail=(".asset-full-content .asset-content", ".asset-full-content"),
    body=(".journal-content-article",),
    containers=(".portlet-body",),
    headline=(
        ".taglib-header h3.header-title span", "h3.header-title", ".asset-full-content-title",
        ".asset-title", ".asset-full-content h1, .asset-full-content h2, .asset-full-content h3",
    ),
    date=(
        ".assetPublishDate", ".asset-publish-date", ".metadata-publish-date", ".metadata-display-date",
        ".metadata-create-date", ".block_timer",
    ),
    byline=(".view-content-author", ".metadata-author", ".AuthorArticle", ".asset-author"),
    description=(".sapo-wrapper .sapo", ".asset-summary"),
    breadcrumbs=("ul.breadcrumb",),
    body_noise=(".view-content-author", ".asset-metadata", ".metadata-author", ".asset-full-content-title",
                ".assetPublishDate", ".taglib-header"),
)

LIFERAY_7 = LIFERAY_6.extend(
    "liferay-7",
    noise=(".portlet-header", "header.portlet-topper", ".portlet-name-text", ".asset-avatar",
           ".content-metadata-asset-addon-entries", ".user-tool-asset-addon-entries"),
    portlet_titles=(".portlet-header", "h2.portlet-title-text"),
    detail=("[data-analytics-asset-title]",),
    headline=(
        "[data-analytics-asset-title] @data-analytics-asset-title", "h4.component-title .asset-title",
        ".asset-full-content .asset-title", ".title-divvv",
    ),
    # ``.date-info`` ("Created 3/4/24 - Published 3/4/24") is locale-formatted stock metadata: the
    # template's own date element, matched by the common rules, is preferred.
    date=(".sp-dislaydate", ".text-date-sklh"),
    byline=(".metadata-author .user-info",),
    description=(".text-summary",),
    body_noise=(".metadata-author", ".asset-categories", ".asset-tags", ".asset-details"),
)
