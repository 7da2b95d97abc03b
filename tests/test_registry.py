"""The portal registry: the shipped file loads, and every kind of mistake is one clear line."""

from __future__ import annotations

import pytest

from spiders.registry import DEFAULT_REGISTRY, Portal, RegistryError, load_registry


def test_shipped_registry_loads_with_defaults():
    portals = load_registry(DEFAULT_REGISTRY)
    sotttt = portals["sotttt-hanoi"]
    assert sotttt.start_urls == ["https://sotttt.hanoi.gov.vn/vi/trang-chu"]
    assert (sotttt.timezone, sotttt.language, sotttt.date_order) == ("Asia/Ho_Chi_Minh", "vi", "DMY")


def _write(tmp_path, body: str):
    path = tmp_path / "portals.toml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = 'slug = "x"\nbase_url = "https://x.gov.vn/"\n'


@pytest.mark.parametrize(
    "body, message",
    [
        ('[[portal]]\nbase_url = "https://x.gov.vn"\n', "slug is required"),
        ('[[portal]]\nslug = "X Y"\nbase_url = "https://x.gov.vn"\n', "slug must be lowercase"),
        ('[[portal]]\nslug = "x"\nbase_url = "ftp://x.gov.vn"\n', "base_url must be an http(s) URL"),
        (f"[[portal]]\n{GOOD}timezone = \"Asia/Hanoi_City\"\n", "not an IANA zone"),
        (f"[[portal]]\n{GOOD}platform = \"drupal\"\n", "platform 'drupal' is not one of"),
        (f"[[portal]]\n{GOOD}start_paths = [\"vi\"]\n", "start_paths must be"),
        (f"[[portal]]\n{GOOD}max_requests = 0\n", "max_requests must be a positive"),
        (f"[[portal]]\n{GOOD}date_order = \"YMD\"\n", "date_order 'YMD'"),
        (f"[[portal]]\n{GOOD}language = \"Vietnamese\"\n", "two-letter"),
        (f"[[portal]]\n{GOOD}timezon = \"UTC\"\n", "unknown field 'timezon'"),
        (f"[[portal]]\n{GOOD}[[portal]]\n{GOOD}", "slug 'x' is used twice"),
        ("[[portal]\nslug=", "not valid TOML"),
    ],
)
def test_bad_registry_is_one_line_naming_the_problem(tmp_path, body, message):
    with pytest.raises(RegistryError) as err:
        load_registry(_write(tmp_path, body))
    text = str(err.value)
    assert message in text and "\n" not in text and str(tmp_path) in text


def test_missing_file_is_a_registry_error(tmp_path):
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "nope.toml")


def test_portal_start_urls_join_base_and_paths():
    portal = Portal(slug="x", base_url="https://x.gov.vn", start_paths=("/", "/vi/tin-tuc"))
    assert portal.start_urls == ["https://x.gov.vn/", "https://x.gov.vn/vi/tin-tuc"]


def test_rule_overrides_are_validated_and_reach_the_extractor(tmp_path):
    from spiders.extract import Options, extract_article

    path = _write(tmp_path, f'[[portal]]\n{GOOD}[portal.rules]\nheadline = [".tieu_de_x"]\ndate = [".ngay_x"]\nbody = [".nd_x"]\n')
    portal = load_registry(path)["x"]
    html = (b'<html><body><div class="tieu_de_x">Tieu de cua mot trang tuy bien</div><div class="ngay_x">05/03/2024</div>'
            b'<div class="nd_x"><p>Noi dung bai viet du dai de duoc tinh la than bai.</p></div></body></html>')
    assert extract_article(html, url="https://x.gov.vn/a").isArticle is False  # the theme is unknown without them
    article = extract_article(html, url="https://x.gov.vn/a", portal=Options(rules=portal.rules))
    assert (article.headline, article.datePublished) == ("Tieu de cua mot trang tuy bien", "2024-03-05T00:00:00+07:00")


@pytest.mark.parametrize("rules, message", [
    ('[portal.rules]\ntitle = [".x"]\n', "rules.title is not a rule list"),
    ('[portal.rules]\nheadline = ".x"\n', "must be a list of CSS selectors"),
    ('[portal.rules]\nheadline = ["div[[["]\n', "bad CSS"),
])
def test_bad_rule_overrides_are_one_line(tmp_path, rules, message):
    with pytest.raises(RegistryError, match=message.replace("[", r"\[")):
        load_registry(_write(tmp_path, f"[[portal]]\n{GOOD}{rules}"))
