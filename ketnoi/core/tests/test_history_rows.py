"""One history renderer for every app: who, when (local time, d/m/Y H:i), what was done (never an
internal word such as "register"), and each field by its Vietnamese label from what to what."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.utils import translation
from django.utils.translation import gettext

from ketnoi.core.audit import history_rows, reason_text
from ketnoi.pages import services as pages


def test_a_pages_history_reads_in_vietnamese_with_local_times_and_labels(unit, bob, admin_user, web_as):
    with time_machine.travel(dt.datetime(2026, 12, 1, 20, 25, 41, tzinfo=dt.UTC), tick=False):
        page = pages.page_register(
            unit=unit("BP-BGM"),
            platform="facebook_page",
            name="Bù Gia Mập Online",
            url="facebook.com/bugiamaponline",
            by=bob,
        )
    with time_machine.travel(dt.datetime(2026, 12, 1, 21, 0, tzinfo=dt.UTC), tick=False):
        pages.page_update(page=page, by=bob, name="Bù Gia Mập Trực tuyến")
        pages.page_set_status(page=page, status="verified", by=admin_user)
    with translation.override("vi"):
        rows = history_rows(page)
        assert [r["action"] for r in rows] == [
            gettext("Status changed"),
            gettext("Details changed"),
            gettext("Registered"),
        ]
        assert rows[-1]["when_text"] == "02/12/2026 03:25"  # 20:25 UTC is 03:25 the next day in Viet Nam
        assert rows[-1]["who"] == bob
        assert rows[-1]["who_text"] == bob.display_name
        status = next(c for c in rows[0]["changes"] if c["old"] != "—")
        assert (status["field"], status["old"], status["new"]) == (
            "Trạng thái",
            gettext("Registered"),
            gettext("Verified by the office"),
        )
        renamed = rows[1]["changes"]
        assert {"field": "Tên", "old": "Bù Gia Mập Online", "new": "Bù Gia Mập Trực tuyến"} in renamed
        assert any(c["field"] == "Đơn vị" and c["new"] == "Huyện Bù Gia Mập" for c in rows[2]["changes"])
    html = web_as(admin_user).get(f"/pages/{page.pk}/").content.decode()
    assert "+00:00" not in html and ">register<" not in html
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", html)


def test_reasons_written_as_internal_words_by_older_versions_read_as_actions():
    with translation.override("vi"):
        assert reason_text("register") == gettext("Registered") != "register"
        assert reason_text("status: verified") == gettext("Status changed")
        assert reason_text("security review") == gettext("Security review recorded")
