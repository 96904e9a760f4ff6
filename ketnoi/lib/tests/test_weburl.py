from __future__ import annotations

import pytest
from django.template import Context, Template

from ketnoi.lib.weburl import BadWebAddress, clean_web_address, safe_href

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x00javascript:alert(1)",
    "javascript\x0b:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.gov.vn/x",
    "http://[bad",
    "https://example.gov.vn:port/",
    "https://facebook.com@evil.example/",
    "https://user:pass@example.gov.vn/",
    "https://exa mple.gov.vn/",
    "https://example.gov.vn/\u2028x",
    "https:javascript:alert(1)",
    "http:/\\evil.example",
    "https://good.gov.vn\\@evil.example",
    "https://%6aavascript/",
    "https://",
    "https://nodot/",
    "https://" + "a" * 600 + ".vn/",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_or_broken_address_is_refused_and_never_becomes_a_link(text):
    with pytest.raises(BadWebAddress):
        clean_web_address(text)
    assert safe_href(text) is None


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("https://www.facebook.com/TuHaoBinhPhuoc", "https://www.facebook.com/TuHaoBinhPhuoc"),
        ("  HTTPS://binhphuoc.gov.vn/tin-tuc?p=1  ", "https://binhphuoc.gov.vn/tin-tuc?p=1"),
        ("facebook.com/tuhaobinhphuoc", "https://facebook.com/tuhaobinhphuoc"),
        ("//zalo.me/123456789", "https://zalo.me/123456789"),
        ("http://127.0.0.1:8765/page", "http://127.0.0.1:8765/page"),
        ("https://bìnhphước.vn/", "https://bìnhphước.vn/"),
    ],
)
def test_an_ordinary_address_is_kept_with_https_added_when_no_scheme_was_typed(text, cleaned):
    assert clean_web_address(text) == cleaned
    assert safe_href(text) == cleaned


def test_the_link_tag_escapes_and_shows_a_refused_address_as_plain_text():
    template = Template("{% load weblinks %}{% web_link address name %}")
    bad = template.render(Context({"address": "JaVaScRiPt:alert(1)", "name": "<b>x</b>"}))
    assert "<a" not in bad and "href" not in bad and "&lt;b&gt;x&lt;/b&gt;" in bad
    good = template.render(Context({"address": 'https://example.gov.vn/?q="><script>', "name": "Trang"}))
    assert good.startswith('<a href="https://example.gov.vn/?q=&quot;&gt;&lt;script&gt;"')
    assert 'rel="noopener noreferrer nofollow"' in good and ">Trang</a>" in good
    assert Template("{% load weblinks %}[{{ a|safe_href }}]").render(Context({"a": "data:x"})) == "[]"


# Every stored address field, and the service that cleans it through ketnoi.lib.weburl. A new address field
# fails this test until its service calls the check and it is added here (with a test of its own).
ADDRESS_FIELDS = {
    ("pages.page", "url"): "ketnoi.pages.services._clean_address",
    ("pages.page", "canonical_url"): "ketnoi.pages.services._clean_address",
    ("directives.progressupdate", "link"): "ketnoi.directives.services.task_report_progress",
    ("publishing.publication", "post_url"): "ketnoi.publishing.services.publications.clean_post_url",
    ("publishing.sharekit", "link"): "ketnoi.publishing.services.publications.clean_post_url",
    ("lookalike.candidate", "url"): "ketnoi.lookalike.services.clean_address",
    ("lookalike.candidate", "canonical_url"): "ketnoi.lookalike.services.clean_address",
}


def test_every_address_field_of_every_model_is_known_and_checked() -> None:
    import importlib
    import inspect

    from django.apps import apps
    from django.db import models

    found = set()
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        for f in model._meta.get_fields():
            name = getattr(f, "name", "")
            if isinstance(f, models.URLField) or (
                isinstance(f, models.CharField)
                and (
                    name in {"url", "link", "website", "homepage", "address"}
                    or name.endswith(("_url", "_link"))
                )
            ):
                found.add((model._meta.label_lower, name))
    found = {k for k in found if k[0].split(".")[0] not in {"auth", "admin", "contenttypes", "sessions"}}
    assert found == set(ADDRESS_FIELDS)
    for path in set(ADDRESS_FIELDS.values()):
        module, function = path.rsplit(".", 1)
        assert "weburl." in inspect.getsource(getattr(importlib.import_module(module), function))


def test_no_template_puts_a_stored_value_in_an_href_without_the_link_tag() -> None:
    import re
    from pathlib import Path

    import ketnoi

    # A value named like a stored address (url, link, post_url...) must go through {% web_link %}; addresses
    # the product builds itself (the menu, files it serves, reverse()) are named otherwise or listed here.
    stored_names = {"url", "link", "post_url", "address", "website", "homepage"}
    built_here = {"item.url"}
    offenders = []
    for template in Path(ketnoi.__file__).parent.rglob("templates/**/*.html"):
        for match in re.finditer(r'href="\{\{\s*([\w.]+)', template.read_text(encoding="utf-8")):
            name = match.group(1)
            stored = name.split(".")[-1] in stored_names and not name.endswith("file.url")
            if stored and name not in built_here:
                offenders.append(f"{template.name}: {name}")
    assert offenders == []
