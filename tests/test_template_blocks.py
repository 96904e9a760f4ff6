"""A page's title block is text and its head block holds only what belongs in <head>: a form or a section put
there (an editing slip) is drawn above the menu on every browser and read out as the page's title."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "ketnoi"
_BLOCK = re.compile(r"{%\s*block\s+(title|head)\s*%}(.*?){%\s*endblock", re.S)
_BODY_TAG = re.compile(r"<\s*(section|form|div|h[1-6]|p|table|ul|label|input|button)\b", re.I)


def test_no_template_puts_page_content_in_its_title_or_head_block() -> None:
    slips = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        for name, body in _BLOCK.findall(path.read_text(encoding="utf-8")):
            found = _BODY_TAG.search(body) if name == "head" else re.search(r"<\w", body)
            if found:
                slips.append(f"{path.relative_to(ROOT)}: {name} block holds {found.group(0)!r}")
    assert slips == []
