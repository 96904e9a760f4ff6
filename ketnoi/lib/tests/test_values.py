"""The one reader of numbers and yes/no answers: each dialect by its own rules, ambiguity refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketnoi.lib import values as V

VN, EX = V.VIETNAMESE, V.EXCHANGE


@pytest.mark.parametrize(
    ("typed", "vietnamese", "exchange"),
    [
        ("16000", Decimal(16000), Decimal(16000)),
        ("16.000", Decimal(16000), Decimal(16)),
        ("16 000", Decimal(16000), None),
        ("1.234.567", Decimal(1234567), None),
        ("3,5", Decimal("3.5"), None),
        ("1.234,5", Decimal("1234.5"), None),
        ("3.5", Decimal("3.5"), Decimal("3.5")),
        ("98%", Decimal(98), None),
        ("-12", Decimal(-12), Decimal(-12)),
        ("+12", Decimal(12), None),
        ("012", Decimal(12), None),
        ("0.5", Decimal("0.5"), Decimal("0.5")),
        ("1,234.5", None, None),
        ("1,234,567", None, None),
        ("1.2.3,4,5", None, None),
        ("--3", None, None),
        ("mười", None, None),
        ("1e5", None, None),
        ("NaN", None, None),
        ("9" * 20, None, None),
        ("9" * 5000, None, None),
        (16000, Decimal(16000), Decimal(16000)),
        (2.5, Decimal("2.5"), Decimal("2.5")),
        (float("inf"), None, None),
        (10**30, None, None),
        (True, None, None),
    ],
)
def test_each_dialect_reads_numbers_by_its_own_rules(
    typed: object, vietnamese: object, exchange: object
) -> None:
    for dialect, expected in ((VN, vietnamese), (EX, exchange)):
        if expected is None:
            with pytest.raises(V.ValueRefused):
                V.parse_number(typed, dialect=dialect)
        else:
            assert V.parse_number(typed, dialect=dialect) == expected, dialect


def test_an_empty_answer_is_no_answer_in_both_dialects() -> None:
    for dialect in (VN, EX):
        assert V.parse_number("  ", dialect=dialect) is None
        assert V.parse_number(None, dialect=dialect) is None
        assert V.parse_bool("", dialect=dialect) is None


def test_a_whole_number_is_asked_for_and_16_000_from_a_machine_is_ambiguous() -> None:
    assert V.parse_number("16.000", dialect=VN, integer=True) == 16000
    with pytest.raises(V.ValueRefused, match="không rõ nghĩa"):
        V.parse_number("16.000", dialect=EX, integer=True)
    with pytest.raises(V.ValueRefused, match="không phải là số nguyên"):
        V.parse_number("1,5", dialect=VN, integer=True)


def test_a_refusal_names_the_field_and_the_value() -> None:
    with pytest.raises(V.ValueRefused) as refused:
        V.parse_number("12abc", dialect=VN, field="Số đảng viên")
    assert str(refused.value) == "Số đảng viên: “12abc” không phải là số."
    assert refused.value.field == "Số đảng viên"
    with pytest.raises(V.ValueRefused, match="quá lớn"):
        V.parse_number(2**63, dialect=EX)
    with pytest.raises(V.ValueRefused, match="quá lớn"):
        V.parse_number("3000000000", dialect=EX, maximum=2**31 - 1)


@pytest.mark.parametrize(
    ("typed", "vietnamese", "exchange"),
    [
        ("Có", True, None),
        ("có", True, None),
        ("x", True, None),
        ("Đúng", True, None),
        ("đạt", True, None),
        ("yes", True, None),
        ("1", True, True),
        ("t", None, True),
        ("tRuE", True, None),
        ("true", True, True),
        ("TRUE", True, True),
        ("Không", False, None),
        ("chưa", False, None),
        ("sai", False, None),
        ("no", False, None),
        ("0", False, False),
        ("F", None, False),
        ("false", False, False),
        (True, True, True),
        (False, False, False),
        ("có lẽ", None, None),
        ("maybe", None, None),
    ],
)
def test_each_dialect_reads_yes_and_no_by_its_own_words(
    typed: object, vietnamese: object, exchange: object
) -> None:
    for dialect, expected in ((VN, vietnamese), (EX, exchange)):
        if expected is None:
            with pytest.raises(V.ValueRefused):
                V.parse_bool(typed, dialect=dialect)
        else:
            assert V.parse_bool(typed, dialect=dialect) is expected, dialect
