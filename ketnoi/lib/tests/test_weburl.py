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
