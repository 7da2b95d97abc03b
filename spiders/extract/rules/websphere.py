"""IBM/HCL WebSphere Portal 8.x rules (docs/PLATFORMS.md §2.1, and the real page in the corpus).

Each portlet is a ``section.wpthemeControl``; its title bar, its "Display portlet menu" icon
with hidden "Portlet Menu" text, and the "Skip portlet" anchors are skin noise, and the
hidden ``div.asa`` blocks repeat every title with its Z7_ id.
"""

from .common import COMMON

WEBSPHERE_8 = COMMON.extend(
    "websphere-8",
    noise=(".asa", "#portletState", ".wpthemeMenuFocus", ".wpthemeIcon", ".wpsPortletIcons",
           ".wpthemeSkipLink", ".wpthemeHeader", ".wpthemeFooter", ".wpthemeBanner", ".wpthemeNav",
           ".wpthemeCommonActions", ".wptheme-footer"),
    portlets=(".wpthemeControl", ".ibmPortalControl", ".wpsPortletBody", "table.wpsPortletArea"),
    portlet_titles=("header.wpthemeControlHeader", ".wpsPortletTitleBar", ".wpsPortletTitle",
                    "td.wpsPortletBorderTitle", ".lm-dynamic-title"),
    containers=(".ibmPortalControl, .wpthemeControl, .wpsPortletBody",),
)
