"""Number and symbol (số, ký hiệu) of Vietnamese Party and State documents.

Party documents (Quy định 66-QĐ/TW): ``<number>-<kind>/<issuer>``, for example ``23-CT/TU``,
``1189-CV/HU``, ``85-QĐ/TW``, ``99-HD/BTGTW``. State documents (Nghị định 30/2020/NĐ-CP):
``<number>/<year>/<kind>-<issuer>`` for legal documents (``53/2022/NĐ-CP``), ``<number>/<kind>-<issuer>``
for the others (``123/QĐ-UBND``), ``<number>/<issuer>-<section>`` for official letters (``45/UBND-VX``)
and ``<number>/<year>/QH<term>`` for laws. ``parse`` returns the parts or raises ``DocNumberError``
with a message that says what is wrong; ``find_references`` finds the documents a text cites.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

# Kind abbreviations used in numbers and symbols, with the kind's name.
KIND_ABBREVIATIONS: dict[str, str] = {
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "QĐ": "Quyết định",
    "QC": "Quy chế",
    "HD": "Hướng dẫn",
    "KH": "Kế hoạch",
    "CTR": "Chương trình",
    "CV": "Công văn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "KL": "Kết luận",
    "TTR": "Tờ trình",
    "BB": "Biên bản",
    "GM": "Giấy mời",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NQLT": "Nghị quyết liên tịch",
    "PL": "Pháp lệnh",
    "L": "Luật",
    "CĐ": "Công điện",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "PA": "Phương án",
}

# Well-known issuer codes, so a number alone says who issued it.
ISSUER_NAMES: dict[str, str] = {
    "TW": "Trung ương",
    "TU": "Tỉnh ủy",
    "HU": "Huyện ủy",
    "TU-BTG": "Ban Tuyên giáo Tỉnh ủy",
    "THU": "Thành ủy",
    "TXU": "Thị ủy",
    "ĐU": "Đảng ủy",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "BTGTU": "Ban Tuyên giáo Tỉnh ủy",
    "BTGHU": "Ban Tuyên giáo Huyện ủy",
    "VPTW": "Văn phòng Trung ương Đảng",
    "CP": "Chính phủ",
    "TTG": "Thủ tướng Chính phủ",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BCA": "Bộ Công an",
    "STTTT": "Sở Thông tin và Truyền thông",
}

# The part of a number that names a kind (by its own kind word) maps to the kind's name; the
# Party uses "QĐ" both for Quyết định and Quy định, and the kind word in the text decides.
_QD_KINDS = {"Quyết định", "Quy định"}

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "\\": "/"})
_SEG = r"[A-ZĐ][A-ZĐ0-9&]*"
_PARTY = re.compile(
    rf"^(?P<number>\d{{1,6}})(?P<suffix>[A-Z]?)-(?P<kind>{_SEG})/(?P<issuer>{_SEG}(?:-{_SEG})*)$"
)
_STATE = re.compile(
    rf"^(?P<number>\d{{1,6}})(?P<suffix>[A-Z]?)/(?:(?P<year>\d{{4}})/)?(?P<kind>{_SEG})-(?P<issuer>{_SEG}(?:-{_SEG})*)$"
)
_LAW = re.compile(r"^(?P<number>\d{1,6})/(?P<year>\d{4})/(?P<issuer>QH\d{1,2})$")


class DocNumberError(ValueError):
    """A number and symbol that does not follow the conventions; ``message`` says why."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class DocNumber:
    text: str  # the normalised number and symbol, as it is written on the document
    number: int
    suffix: str  # a rare letter after the number (12a-CT/TU)
    kind_code: str  # "CT", "NĐ", "" for a State official letter
    kind: str  # the kind's name: "Chỉ thị"; "Công văn" for letters
    issuer_code: str  # "TU", "CP", "UBND-VX"
    issuer: str  # a known issuer's name, else ""
    year: int | None
    system: str  # "party" or "state"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).translate(_DASHES)
    text = re.sub(r"\s*([/-])\s*", r"\1", text.strip())
    return text.replace("đ", "Đ").upper()


def _check_year(year: int | None, raw: str) -> None:
    if year is None:
        return
    latest = dt.date.today().year + 1  # noqa: DTZ011 - a calendar year, no time zone matters
    if not 1945 <= year <= latest:
        raise DocNumberError(
            _("%(raw)s: the year %(year)s is not possible (1945 to %(latest)s).")
            % {"raw": raw, "year": year, "latest": latest}
        )


def parse(raw: str, *, kind_hint: str = "") -> DocNumber:
    """Parse a number and symbol; ``kind_hint`` (the kind word in the text) settles QĐ.

    Raises ``DocNumberError`` naming what is wrong.
    """
    if not raw or not raw.strip():
        raise DocNumberError(_("The number and symbol is empty."))
    text = _normalise(raw)
    if len(text) > 60:
        raise DocNumberError(_("%(raw)s: too long for a number and symbol.") % {"raw": raw.strip()[:60]})
    if not text[0].isdigit():
        raise DocNumberError(
            _("%(raw)s: a number and symbol starts with the document's number (for example 23-CT/TU).")
            % {"raw": raw.strip()}
        )
    if "/" not in text:
        raise DocNumberError(
            _(
                "%(raw)s: the symbol is missing; write the number, then the kind and the issuing body, as in 23-CT/TU or 53/2022/NĐ-CP."  # noqa: E501
            )
            % {"raw": raw.strip()}
        )
    law = _LAW.match(text)
    if law:
        year = int(law["year"])
        _check_year(year, raw)
        return DocNumber(
            text, _number(law["number"], raw), "", "L", "Luật", law["issuer"], "Quốc hội", year, "state"
        )
    party = _PARTY.match(text)
    if party:
        kind_code = party["kind"]
        kind = _kind_name(kind_code, kind_hint, raw)
        issuer_code = party["issuer"]
        return DocNumber(
            text,
            _number(party["number"], raw),
            party["suffix"],
            kind_code,
            kind,
            issuer_code,
            ISSUER_NAMES.get(issuer_code, ""),
            None,
            "party",
        )
    state = _STATE.match(text)
    if state:
        state_year: int | None = int(state["year"]) if state["year"] else None
        _check_year(state_year, raw)
        kind_code = state["kind"]
        issuer_code = state["issuer"]
        if kind_code in KIND_ABBREVIATIONS:
            kind = _kind_name(kind_code, kind_hint, raw)
        elif state_year is None:
            # 45/UBND-VX: an official letter, symbol = issuer and the section that drafted it.
            kind, issuer_code, kind_code = "Công văn", f"{kind_code}-{issuer_code}", ""
        else:
            raise DocNumberError(
                _("%(raw)s: %(code)s is not a known kind of document (NĐ, TT, QĐ, NQ, CT...).")
                % {"raw": raw.strip(), "code": kind_code}
            )
        issuer_root = issuer_code.split("-")[0]
        return DocNumber(
            text,
            _number(state["number"], raw),
            state["suffix"],
            kind_code,
            kind,
            issuer_code,
            ISSUER_NAMES.get(issuer_code, ISSUER_NAMES.get(issuer_root, "")),
            state_year,
            "state",
        )
    raise DocNumberError(_explain(text, raw.strip()))


def _number(digits: str, raw: str) -> int:
    number = int(digits)
    if number == 0:
        raise DocNumberError(_("%(raw)s: the number cannot be 0.") % {"raw": raw.strip()})
    return number


def _kind_name(code: str, hint: str, raw: str) -> str:
    if code == "QĐ" and hint in _QD_KINDS:
        return hint
    name = KIND_ABBREVIATIONS.get(code) or KIND_ABBREVIATIONS.get(code.upper())
    if name is None:
        raise DocNumberError(
            _("%(raw)s: %(code)s is not a known kind of document (NQ, CT, QĐ, HD, KH, CV, TB, BC...).")
            % {"raw": raw.strip(), "code": code}
        )
    return name


def _explain(text: str, raw: str) -> str:
    """Say what is wrong with a number and symbol that matches no convention."""
    head, _sep, tail = text.partition("/")
    if not tail:
        return str(_("%(raw)s: the issuing body after the slash is missing.") % {"raw": raw})
    if "-" not in head and "-" not in tail:
        return str(
            _(
                "%(raw)s: the kind of document is missing; Party documents write 23-CT/TU, State documents 123/QĐ-UBND."  # noqa: E501
            )
            % {"raw": raw}
        )
    if re.search(r"[^0-9A-ZĐ/&\-]", text):
        return str(_("%(raw)s: only digits, capital letters, hyphens and slashes may appear.") % {"raw": raw})
    return str(
        _(
            "%(raw)s is not a valid number and symbol; expected forms: 23-CT/TU, 1189-CV/HU, 53/2022/NĐ-CP, 123/QĐ-UBND."  # noqa: E501
        )
        % {"raw": raw}
    )


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except DocNumberError:
        return False
    return True


# --- References inside a text --------------------------------------------------------------------

KIND_WORDS = [
    "Nghị quyết liên tịch",
    "Thông tư liên tịch",
    "Nghị quyết",
    "Chỉ thị",
    "Quy định",
    "Quyết định",
    "Quy chế",
    "Hướng dẫn",
    "Kế hoạch",
    "Chương trình",
    "Công văn",
    "Công điện",
    "Thông báo",
    "Báo cáo",
    "Kết luận",
    "Nghị định",
    "Thông tư",
    "Pháp lệnh",
    "Luật",
    "Tờ trình",
    "Đề án",
]
_KIND_ALT = "|".join(re.escape(k) for k in KIND_WORDS)
_NUMBER_TOKEN = r"\d{1,6}[a-zA-Z]?\s?[/\-–]\s?[0-9A-Za-zĐđ&/\-–]{1,40}[0-9A-Za-zĐđ]"  # noqa: S105
_REFERENCE = re.compile(
    rf"(?P<kind>{_KIND_ALT})\s+(?:số\s*:?\s*)?(?P<number>{_NUMBER_TOKEN})"
    rf"(?:\s*,?\s*(?:ngày|ngay)\s+(?P<date>\d{{1,2}}\s*/\s*\d{{1,2}}\s*/\s*\d{{4}}))?"
    r"(?:\s+(?:của|cua)\s+(?P<issuer>[^,.;:()\n]{3,60}?)(?=\s+(?:về|ve|quy định|quy dinh)\b|[,.;:()\n]|$))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reference:
    text: str  # as written in the text
    kind: str
    number: str  # normalised number and symbol
    parsed: DocNumber
    issued_on: dt.date | None
    issuer: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "number": self.number,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "issuer": self.issuer,
            "issuer_code": self.parsed.issuer_code,
            "year": self.parsed.year,
        }


def parse_date(text: str) -> dt.date | None:
    """A dd/mm/yyyy date (spaces allowed), or None when it is not a real date."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*", text)
    if not match:
        return None
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def _canonical_kind(word: str) -> str:
    folded = word.lower()
    for kind in KIND_WORDS:
        if kind.lower() == folded:
            return kind
    return word


def find_references(text: str) -> list[Reference]:
    """Documents cited in ``text`` ("Quy định số 85-QĐ/TW", "Công văn số 729-CV/TU, ngày 28/3/2023"),
    in order of first mention, each number once."""
    text = unicodedata.normalize("NFC", text)
    found: dict[str, Reference] = {}
    for match in _REFERENCE.finditer(text):
        kind = _canonical_kind(match["kind"])
        raw_number = match["number"].rstrip("-/–")
        try:
            parsed = parse(raw_number, kind_hint=kind)
        except DocNumberError:
            continue
        key = parsed.text
        issued = parse_date(match["date"]) if match["date"] else _date_before(text, match.start())
        issuer = (match["issuer"] or "").strip()
        earlier = found.get(key)
        if earlier is not None:
            # A later mention may say what the first did not (its date, its issuer).
            if (earlier.issued_on is None and issued) or (not earlier.issuer and issuer):
                found[key] = Reference(
                    earlier.text,
                    earlier.kind,
                    key,
                    earlier.parsed,
                    earlier.issued_on or issued,
                    earlier.issuer or issuer,
                    earlier.start,
                    earlier.end,
                )
            continue
        found[key] = Reference(
            match.group(0), kind, parsed.text, parsed, issued, issuer, match.start(), match.end()
        )
    return list(found.values())


_ISSUED_BEFORE = re.compile(
    r"(?:ngày|ngay)\s+(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})\s*,[^.;\n]{0,80}?(?:ban hành|ký ban hành|ban hanh)\s*$",  # noqa: E501
    re.IGNORECASE,
)


def _date_before(text: str, start: int) -> dt.date | None:
    """The date of "Ngày 17/4/2017, Tỉnh ủy ban hành Chỉ thị số 23-CT/TU": written before the kind."""
    match = _ISSUED_BEFORE.search(text[max(0, start - 140) : start].rstrip())
    return parse_date(match[1]) if match else None
