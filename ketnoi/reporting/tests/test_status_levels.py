"""Tables of units are indented by level (issue 11 item 12): in the completeness table of the province, a
commune sits below its district."""

from __future__ import annotations

import re
from typing import Any

import time_machine


def test_the_completeness_table_indents_communes_below_their_district(
    monthly_form: Any, admin_user: Any, web_as: Any
) -> None:
    with time_machine.travel("2026-04-10 09:00 +07:00", tick=False):
        html = web_as(admin_user).get("/reports/f/monthly/202603/", {"unit": "BP"}).content.decode()
    row = re.compile(r'<td class="card-title rp-level-(\d)">(?:<span[^>]*>[^<]*</span>)?([^<]+)</td>')
    levels = {name: int(level) for level, name in row.findall(html)}
    assert levels, "the completeness table lists units with their level"
    assert levels["Huyện Bù Gia Mập"] == 1
    assert levels["Xã Phú Nghĩa"] == 2
