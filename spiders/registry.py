"""The portal registry (``spiders/portals.toml``), validated when loaded.

A registry mistake must stop a nightly job before it sends a request, with one line that names
the file, the portal and the field: a typo in a timezone would otherwise date every article wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_REGISTRY = Path(__file__).with_name("portals.toml")
PLATFORMS = ("liferay-6.0", "liferay-6.1", "liferay-6.2", "liferay-7", "websphere-8", "generic")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
FIELDS = {"slug", "base_url", "start_paths", "platform", "timezone", "language", "date_order", "max_requests", "rules"}
# Extraction rule lists a portal may extend (spiders/extract/rules: Rules fields); its CSS is tried first.
RULE_FIELDS = ("detail", "body", "headline", "date", "byline", "description", "noise", "body_noise")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message is one line naming file, portal and field."""


@dataclass(frozen=True)
class Portal:
    slug: str
    base_url: str
    start_paths: tuple[str, ...] = ("/",)
    platform: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    language: str = "vi"
    date_order: str = "DMY"
    max_requests: int = 20_000
    rules: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, CSS candidates) pairs: hashable, so cacheable

    @property
    def start_urls(self) -> list[str]:
        return [self.base_url.rstrip("/") + "/" + path.lstrip("/") for path in self.start_paths]


def load_registry(path: str | Path = DEFAULT_REGISTRY) -> dict[str, Portal]:
    """Every portal of the file by slug; RegistryError on the first problem found."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from None
    portals: dict[str, Portal] = {}
    for index, entry in enumerate(data.get("portal", []), 1):
        portal = _portal(entry, f"{path}: portal #{index}")
        if portal.slug in portals:
            raise RegistryError(f"{path}: portal #{index}: slug {portal.slug!r} is used twice")
        portals[portal.slug] = portal
    return portals


def _portal(entry: object, where: str) -> Portal:
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: expected a table of fields")
    unknown = sorted(set(entry) - FIELDS)
    if unknown:
        raise RegistryError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(sorted(FIELDS))})")
    slug = _required_str(entry, "slug", where)
    where = f"{where} ({slug})"
    if not SLUG.match(slug):
        raise RegistryError(f"{where}: slug must be lowercase letters, digits and '-'")
    return Portal(
        slug=slug,
        base_url=_base_url(_required_str(entry, "base_url", where), where),
        start_paths=_start_paths(entry.get("start_paths", ["/"]), where),
        platform=_choice(entry.get("platform"), PLATFORMS, "platform", where),
        timezone=_timezone(entry.get("timezone", "Asia/Ho_Chi_Minh"), where),
        language=_language(entry.get("language", "vi"), where),
        date_order=_choice(entry.get("date_order", "DMY"), ("DMY", "MDY"), "date_order", where),
        max_requests=_positive_int(entry.get("max_requests", 20_000), "max_requests", where),
        rules=_rules(entry.get("rules", {}), where),
    )


def _required_str(entry: dict, name: str, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}: {name} is required (a non-empty string)")
    return value.strip()


def _base_url(value: str, where: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistryError(f"{where}: base_url must be an http(s) URL with a host, got {value!r}")
    return value.rstrip("/")


def _start_paths(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.startswith("/") for p in value):
        raise RegistryError(f"{where}: start_paths must be a non-empty list of paths starting with '/'")
    return tuple(value)


def _choice(value: object, allowed: tuple[str, ...], name: str, where: str):
    if value is None or value in allowed:
        return value
    raise RegistryError(f"{where}: {name} {value!r} is not one of {', '.join(allowed)}")


def _timezone(value: object, where: str) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise RegistryError(f"{where}: timezone {value!r} is not an IANA zone such as Asia/Ho_Chi_Minh") from None
    return str(value)


def _language(value: object, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2}", value):
        raise RegistryError(f"{where}: language must be a two-letter ISO 639-1 code such as 'vi'")
    return value


def _rules(value: object, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from lxml.cssselect import CSSSelector
    from cssselect import SelectorError

    if not isinstance(value, dict):
        raise RegistryError(f"{where}: rules must be a table such as [portal.rules] headline = [\".title\"]")
    out = []
    for name, selectors in value.items():
        if name not in RULE_FIELDS:
            raise RegistryError(f"{where}: rules.{name} is not a rule list (known: {', '.join(RULE_FIELDS)})")
        if not isinstance(selectors, list) or not all(isinstance(css, str) and css.strip() for css in selectors):
            raise RegistryError(f"{where}: rules.{name} must be a list of CSS selectors")
        for css in selectors:
            try:
                CSSSelector(css.partition(" @")[0])
            except SelectorError as exc:
                raise RegistryError(f"{where}: rules.{name}: bad CSS {css!r}: {exc}") from None
        out.append((name, tuple(selectors)))
    return tuple(out)


def _positive_int(value: object, name: str, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise RegistryError(f"{where}: {name} must be a positive whole number")
    return value
