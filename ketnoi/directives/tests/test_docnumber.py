from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketnoi.lib import docnumber


@pytest.mark.parametrize(
    ("raw", "number", "kind_code", "kind", "issuer_code", "year"),
    [
        ("23-CT/TU", 23, "CT", "Chỉ thị", "TU", None),
        ("1189-CV/HU", 1189, "CV", "Công văn", "HU", None),
        ("85-QĐ/TW", 85, "QĐ", "Quyết định", "TW", None),
        ("99-HD/BTGTW", 99, "HD", "Hướng dẫn", "BTGTW", None),
        ("53/2022/NĐ-CP", 53, "NĐ", "Nghị định", "CP", 2022),
        ("123/QĐ-UBND", 123, "QĐ", "Quyết định", "UBND", None),
        ("45/UBND-VX", 45, "", "Công văn", "UBND-VX", None),
        ("24/2018/QH14", 24, "L", "Luật", "QH14", 2018),
        (" 53 / 2022 / nđ–cp ", 53, "NĐ", "Nghị định", "CP", 2022),
    ],
)
def test_real_numbers_and_symbols_are_parsed_into_their_parts(
    raw, number, kind_code, kind, issuer_code, year
):
    parsed = docnumber.parse(raw)
    assert (parsed.number, parsed.kind_code, parsed.kind, parsed.issuer_code, parsed.year) == (
        number,
        kind_code,
        kind,
        issuer_code,
        year,
    )


def test_the_kind_word_in_the_text_settles_whether_qd_is_a_regulation():
    assert docnumber.parse("85-QĐ/TW", kind_hint="Quy định").kind == "Quy định"


def test_party_and_state_numbers_are_told_apart():
    assert docnumber.parse("23-CT/TU").system == "party"
    assert docnumber.parse("53/2022/NĐ-CP").system == "state"


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "empty"),
        ("CT/TU", "starts with the document's number"),
        ("23", "symbol is missing"),
        ("23/TU", "kind of document is missing"),
        ("23-XX/TU", "XX is not a known kind"),
        ("0-CT/TU", "cannot be 0"),
        ("53/1899/NĐ-CP", "1899 is not possible"),
        ("23-CT/", "issuing body after the slash is missing"),
        ("23-CT/TU!", "only digits, capital letters"),
    ],
)
def test_malformed_numbers_are_rejected_with_a_message_saying_what_is_wrong(raw, says, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(docnumber.DocNumberError) as error:
        docnumber.parse(raw)
    assert says in error.value.message


def test_rejection_messages_are_in_vietnamese_by_default():
    from django.utils import translation

    with translation.override("vi"), pytest.raises(docnumber.DocNumberError) as error:
        docnumber.parse("23-XX/TU")
    assert "không phải" in error.value.message


@given(
    st.integers(min_value=1, max_value=999_999),
    st.sampled_from(["CT", "NQ", "HD", "KH", "CV", "TB", "BC"]),
    st.sampled_from(["TU", "HU", "TW", "BTGTW", "ĐU"]),
)
def test_every_well_formed_party_number_round_trips(number, kind, issuer):
    parsed = docnumber.parse(f"{number}-{kind}/{issuer}")
    assert parsed.text == f"{number}-{kind}/{issuer}"
    assert parsed.number == number


@given(st.text(max_size=30))
def test_the_parser_never_fails_other_than_with_a_clear_error(raw):
    try:
        docnumber.parse(raw)
    except docnumber.DocNumberError as exc:
        assert exc.message


def test_references_in_a_text_are_found_with_their_date_and_issuer():
    text = (
        "thực hiện Quy định số 85-QĐ/TW ngày 07/10/2022 của Ban Bí thư về nâng cao; "
        "theo Công văn số 729-CV/TU, ngày 28/3/2023 của Ban Thường vụ Tỉnh ủy. Lại nhắc Quy định số 85-QĐ/TW."
    )
    refs = docnumber.find_references(text)
    assert [r.number for r in refs] == ["85-QĐ/TW", "729-CV/TU"]
    assert refs[0].kind == "Quy định"
    assert refs[0].issued_on == dt.date(2022, 10, 7)
    assert refs[0].issuer == "Ban Bí thư"
    assert refs[1].issued_on == dt.date(2023, 3, 28)


def test_a_date_written_before_the_reference_is_found_too():
    refs = docnumber.find_references(
        "Ngày 17/4/2017, Tỉnh ủy ban hành Chỉ thị số 23-CT/TU về việc định hướng"
    )
    assert refs[0].issued_on == dt.date(2017, 4, 17)
