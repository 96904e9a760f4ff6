"""A period id such as ``0000`` (year zero) is a 4xx everywhere a period is read, never a server error."""

from __future__ import annotations

from typing import Any

import pytest

YEAR_ZERO = ["0000", "000001", "0000Q1", "0000S1", "0000-2025"]
# Ids DHIS2 refuses too: case matters, 2021 has 52 weeks, there is no 30 February.
NOT_DHIS2 = ["2021W53", "2020q1", "2015wedw5", "20230230", "2004APRIL"]


def test_a_period_of_year_zero_is_not_a_period() -> None:
    from ketnoi.lib import periods

    for text in ("0000", "000012", "0000Q4", "0000S2", "0000-0001", "2025-0000"):
        assert not periods.is_valid(text), text
    assert periods.is_valid("2025") and periods.is_valid("202507")


@pytest.mark.parametrize("period", YEAR_ZERO + NOT_DHIS2)
def test_the_api_answers_a_period_of_year_zero_with_a_4xx(
    monthly_form: Any, admin_user: Any, api_as: Any, period: str
) -> None:
    api = api_as(admin_user)
    for path in (
        f"reports/monthly/BP-BGM/{period}",
        f"analytics?dx=members&ou=BP&pe={period}",
        f"completeness?form=monthly&ou=BP&pe={period}",
        f"dataValueSets?dataSet=monthly&orgUnit=BP&period={period}",
    ):
        response = api.get(path)
        assert 400 <= response.status_code < 500, (path, response.content)
        assert period in response.json()["error"]["message"], (path, response.content)
    body = {"dataValues": [{"dataElement": "members", "period": period, "orgUnit": "BP", "value": "1"}]}
    response = api.post("dataValueSets", body)
    assert 400 <= response.status_code < 500, response.content


@pytest.mark.parametrize("period", YEAR_ZERO)
def test_the_screens_answer_a_period_of_year_zero_with_a_4xx(
    monthly_form: Any, admin_user: Any, web_as: Any, period: str
) -> None:
    browser = web_as(admin_user)
    for path in (
        f"/reports/f/monthly/{period}/",
        f"/reports/f/monthly/{period}/template.xlsx",
        f"/reports/f/monthly/{period}/upload/",
        f"/reports/f/monthly/{period}/u/BP-BGM/",
    ):
        response = browser.get(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
