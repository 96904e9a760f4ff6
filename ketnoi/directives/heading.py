"""Reading a directive's heading: kind, number, date, issuing body, title, signer, addressees and
recipients, in the Party and State formats (also when a PDF put both header columns on one line), and
the paragraphs of its text. Pure functions: no registry, no database."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ketnoi.lib import docnumber
from ketnoi.lib.vn_text import fold

# --- Text clean-up -------------------------------------------------------------------------------


def fold_aligned(text: str) -> str:
    """``fold`` that keeps every character in place (same length), so spans map back to the text."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))[0]
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = re.sub(r"\*+", "", text)  # markdown emphasis left by converters
    return text


_TERMINAL = tuple('.:;!?…)”"')


_MARKER_LINE = re.compile(r"^\s*(?:[-–•+]|\d{1,2}\s*[.)]|[a-zđ]\)|[IVX]{1,5}\.)\s")


def _block_lines(block: str) -> list[str]:
    """Lines of one blank-line-separated block: wrapped lines are joined, list lines stay apart."""
    out: list[str] = []
    for line in block.split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        if not line:
            continue
        wrapped = line[0].islower() or (len(out[-1]) > 60 and out[-1].upper() != out[-1]) if out else False
        if out and out[-1].upper().strip(" .") in KIND_HEADINGS:
            wrapped = False  # "KẾ HOẠCH" above "triển khai thực hiện...": the title starts below the kind
        if out and wrapped and not _MARKER_LINE.match(line) and not out[-1].endswith((".", ";", ":")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def paragraphs(text: str) -> list[str]:
    """Paragraphs with single spaces; a paragraph broken mid-sentence (page break) is joined again."""
    raw = [line for block in re.split(r"\n[ \t\xa0]*\n", clean(text)) for line in _block_lines(block)]
    out: list[str] = []
    for para in raw:
        if not para:
            continue
        if out and not out[-1].endswith(_TERMINAL) and para[0].islower() and len(out[-1]) > 60:
            out[-1] = f"{out[-1]} {para}"
        else:
            out.append(para)
    return out


# --- Heading: kind, number, date, issuer, signer, recipients --------------------------------------

KIND_HEADINGS = [k.upper() for k in docnumber.KIND_WORDS]
_NUMBER_LINE = re.compile(r"^S[ốo]\s*:?\s*(?P<number>\d[^\s,;]*)", re.IGNORECASE)
_DATE_LONG = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_ISSUED = re.compile(
    r"(?:ngày|ngay)\s+(?P<date>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})\s*,\s*(?P<issuer>[^,.]{3,80}?)\s+(?:đã\s+)?ban hành\s+"  # noqa: E501
    r"(?P<kind>" + "|".join(docnumber.KIND_WORDS) + r")\s+(?:số\s*)?(?P<number>\d[^\s,;]*)",
    re.IGNORECASE,
)
_SIGN_CAPACITY = re.compile(
    r"^(?:T/M|TM\.?|K/T|KT\.?|T/L|TL\.?|Q\.|Q/)\s*\S.*$|"
    r"^(?:PHÓ )?(?:BÍ THƯ|CHỦ TỊCH|TRƯỞNG BAN|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|CHỦ NHIỆM|TRƯỞNG PHÒNG)\b.*$"
)


@dataclass
class Heading:
    kind: str = ""
    number: str = ""
    number_error: str = ""
    parsed: dict[str, Any] | None = None
    issued_on: dt.date | None = None
    issuing_body: str = ""
    title: str = ""
    signer: str = ""
    signer_capacity: str = ""
    recipients: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)  # "Kính gửi:"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number,
            "number_error": self.number_error,
            "number_parts": self.parsed,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "issuing_body": self.issuing_body,
            "title": self.title,
            "signer": self.signer,
            "signer_capacity": self.signer_capacity,
            "recipients": self.recipients,
            "addressees": self.addressees,
        }


# Words that start a body's name and capitalise the word after them ("Ban Tuyên giáo", "Sở Thông tin").
_HEAD_WORDS = {"ban", "sở", "phòng", "cục", "đài", "báo", "hội", "trường", "trung", "liên", "đoàn", "chi"}
# Fixed spellings of compound names (folded -> as written).
_LEXICON = {
    "uy ban nhan dan": "Ủy ban nhân dân",
    "uy ban kiem tra": "Ủy ban Kiểm tra",
    "uy ban mat tran to quoc": "Ủy ban Mặt trận Tổ quốc",
    "mat tran to quoc": "Mặt trận Tổ quốc",
    "ban thuong vu": "Ban Thường vụ",
    "ban chap hanh": "Ban Chấp hành",
    "ban chi dao": "Ban Chỉ đạo",
    "thuong truc": "Thường trực",
    "van phong": "Văn phòng",
    "bo chinh tri": "Bộ Chính trị",
    "ban bi thu": "Ban Bí thư",
    "viet nam": "Việt Nam",
}
_COMMITTEES = {"tỉnh ủy", "huyện ủy", "thành ủy", "thị ủy", "đảng ủy"}
_PLACES = {"tỉnh", "huyện", "xã", "phường", "thị trấn", "thành phố", "thị xã", "quận"}
_STOP = {
    "năm",
    "về",
    "và",
    "của",
    "trong",
    "tại",
    "giai",
    "nhiệm",
    "lần",
    "đến",
    "cho",
    "với",
    "quý",
    "tháng",
}


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def body_case(text: str) -> str:
    """An upper-case name or title as Vietnamese writes it: "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" ->
    "Sở Thông tin và Truyền thông", "BAN TUYÊN GIÁO TỈNH ỦY BÌNH PHƯỚC" -> "Ban Tuyên giáo Tỉnh ủy
    Bình Phước", "ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC" -> "Ủy ban nhân dân tỉnh Bình Phước"."""
    words = text.strip().lower().replace("uỷ", "ủy").split()
    out: list[str] = []
    i = 0
    capitalise_next = True
    proper = 0  # words of a place name still to capitalise
    while i < len(words):
        size = next(
            (
                n
                for n in (4, 3, 2)
                if " ".join(fold(w) for w in words[i : i + n]) in _LEXICON and i + n <= len(words)
            ),
            0,
        )
        if size:
            out.extend(_LEXICON[" ".join(fold(w) for w in words[i : i + size])].split())
            i += size
            capitalise_next, proper = False, 0
            continue
        word, pair = words[i], " ".join(words[i : i + 2])
        if pair in _COMMITTEES:
            out.extend([_cap(word), words[i + 1]])
            i += 2
            capitalise_next, proper = False, 3
            continue
        if proper and word not in _STOP and not word[:1].isdigit():
            out.append(_cap(word))
            proper -= 1
            i += 1
            continue
        proper = 0
        place = pair if pair in _PLACES else (word if word in _PLACES else "")
        if place:
            parts = place.split()
            out.extend(parts if out else [_cap(parts[0]), *parts[1:]])
            i += len(parts)
            capitalise_next, proper = False, 3
            continue
        out.append(_cap(word) if capitalise_next else word)
        capitalise_next = (
            (len(out) == 1 and word in _HEAD_WORDS) or word in {"và", "-", "–"} or word.endswith(",")
        )
        i += 1
    return " ".join(out)


_MOTTO = re.compile(
    r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|"
    r"Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(
    r"[A-ZĐÀ-Ỹ][^,\n]{1,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\.?", re.IGNORECASE
)
_NUMBER_ANY = re.compile(r"S[ốo]\s*:?\s*\d[^\s,;]*", re.IGNORECASE)
_VV = re.compile(r"^(?:V/v|V/V|Về việc)\s*:?\s*(?P<title>.+)$")
_ADDRESSEES = re.compile(r"^Kính gửi\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)


def _join_issuer(lines: list[str]) -> str:
    """The issuing body from the header lines above the number: "TỈNH ỦY BÌNH PHƯỚC" over "BAN TUYÊN
    GIÁO" is Ban Tuyên giáo Tỉnh ủy Bình Phước; "ỦY BAN NHÂN DÂN" over "TỈNH BÌNH PHƯỚC" is one name
    on two lines; "UBND TỈNH BÌNH PHƯỚC" over "SỞ ..." is the department of that province."""
    if len(lines) == 1:
        return body_case(lines[0])
    upper, lower = lines[-2], lines[-1]
    if re.match(r"(?:tinh|huyen|xa|phuong|thi tran|thanh pho|thi xa|quan)\s", fold(lower)):
        return body_case(f"{upper} {lower}")
    people = re.match(r"(?:ubnd|uy ban nhan dan)\s+(.*)$", fold(upper))
    if people:
        place = upper.split(None, len(upper.split()) - len(people[1].split()))[-1]
        return f"{body_case(lower)} {body_case('X ' + place)[2:]}"
    return body_case(f"{lower} {upper}")


def _read_header(paras: list[str], head: Heading) -> None:
    """Issuer, title (V/v) and addressees from the lines above the text's body, in the Party and
    State formats, also when a PDF put both header columns on one line."""
    issuer_lines: list[str] = []
    for index, para in enumerate(paras[:16]):
        if para.upper().strip(" .") in KIND_HEADINGS:
            break
        addressees = _ADDRESSEES.match(para)
        if addressees:
            head.addressees = _dash_list(addressees["rest"], paras[index + 1 :])
            break
        vv = _VV.match(para)
        if vv:
            head.title = _cap(vv["title"].strip())
            continue
        rest = _PLACE_DATE.sub(" ", _MOTTO.sub(" ", para))
        rest = _NUMBER_ANY.sub(" ", rest)
        rest = re.sub(r"[*_=]+", " ", rest).strip(" -–\t")
        if not rest:
            continue
        if rest.upper() != rest or len(rest) > 80 or not re.search(r"[A-ZĐ]", rest):
            break  # the body starts
        issuer_lines.append(rest)
    if issuer_lines:
        head.issuing_body = _join_issuer(issuer_lines)


def _dash_list(first: str, following: list[str]) -> list[str]:
    """Names of a "Kính gửi:" block: on its own line and on the dash lines below it."""
    lines = [first] if first.strip() else []
    for para in following:
        if not para.startswith(("-", "–", "+", "•")):
            break
        lines.append(para)
    out = []
    for line in lines:
        for name in re.split(r"\s*;\s*|^\s*[-–+•]\s*", line):
            name = name.strip(" -–+•,.;")
            if name:
                out.append(name)
    return out


def _upper_run(text: str) -> tuple[str, str]:
    """Split "KẾT LUẬN CỦA THƯỜNG TRỰC TỈNH ỦY tại buổi..." into its upper-case start and the rest."""
    words = text.split()
    n = 0
    while n < len(words) and words[n].upper() == words[n] and re.search(r"[A-ZĐÀ-Ỹ]", words[n]):
        n += 1
    return " ".join(words[:n]), " ".join(words[n:])


def _title_after_kind(line: str) -> str:
    upper, rest = _upper_run(line)
    title = f"{body_case(upper)} {rest}".strip() if len(upper.split()) >= 2 else line
    return title[:1].upper() + title[1:]


def read_heading(text: str) -> Heading:
    paras = paragraphs(text)
    head = Heading()
    _read_header(paras, head)
    top = paras[:16]
    for i, para in enumerate(top):
        upper = para.upper().strip(" .")
        if not head.kind and upper in KIND_HEADINGS:
            head.kind = docnumber.KIND_WORDS[KIND_HEADINGS.index(upper)]
            # The lines after the kind: "CỦA BAN THƯỜNG VỤ TỈNH ỦY", then the title.
            rest = top[i + 1 : i + 4]
            if rest and fold(rest[0]).startswith("cua "):
                body, title = _upper_run(rest[0][4:])
                head.issuing_body = body_case(body)
                rest = [title, *rest[1:]] if title else rest[1:]
            if rest and not head.title and not _ADDRESSEES.match(rest[0]):
                head.title = _title_after_kind(rest[0])
        number = _NUMBER_ANY.match(para)
        if number and not head.number:
            head.number = _NUMBER_LINE.match(number[0])["number"]  # type: ignore[index]
        long_date = _DATE_LONG.search(para)
        if long_date and head.issued_on is None:
            with contextlib.suppress(ValueError):
                head.issued_on = dt.date(int(long_date[3]), int(long_date[2]), int(long_date[1]))
    issued = _ISSUED.search(" ".join(paras[:6]))
    if issued:
        kind = docnumber._canonical_kind(issued["kind"])
        if not head.kind or head.kind == kind:
            head.kind = head.kind or kind
            head.number = head.number or issued["number"].rstrip(".")
            head.issued_on = head.issued_on or docnumber.parse_date(issued["date"])
            head.issuing_body = head.issuing_body or issued["issuer"].strip()
    if not head.title and paras:
        first = next((p for p in paras if not _MOTTO.search(p) and p.upper() != p), paras[0])
        head.title = first if len(first) < 300 else first[:300]
    if head.number:
        try:
            parsed = docnumber.parse(head.number, kind_hint=head.kind)
            head.number = parsed.text
            head.parsed = parsed.as_dict()
            head.kind = head.kind or parsed.kind
            if not head.issuing_body and parsed.issuer:
                head.issuing_body = parsed.issuer
        except docnumber.DocNumberError as exc:
            head.number_error = exc.message
    _read_signature(paras, head)
    head.recipients = _recipients(paras)
    if not head.issuing_body:
        for para in paras[::-1]:
            m = re.match(r"^-?\s*Lưu\s*:?\s*(?:tại\s+)?(?:Văn phòng\s+)(.+?)[.,]?$", para, re.IGNORECASE)
            if m:
                head.issuing_body = body_case(m[1])
                break
    return head


def _read_signature(paras: list[str], head: Heading) -> None:
    for i in range(len(paras) - 1, max(-1, len(paras) - 25), -1):
        lines = [ln.strip() for ln in paras[i].split("\n") if ln.strip()]
        if lines and _SIGN_CAPACITY.match(lines[0]) and paras[i].upper() == paras[i]:
            # "T/M BAN THƯỜNG VỤ" above "PHÓ BÍ THƯ": the capacity starts at the first of them.
            while i > 0 and _SIGN_CAPACITY.match(paras[i - 1]) and paras[i - 1].upper() == paras[i - 1]:
                i -= 1
            capacity = [paras[i]]
            j = i + 1
            while j < len(paras) and paras[j].upper() == paras[j] and not re.search(r"[a-z]", paras[j]):
                capacity.append(paras[j])
                j += 1
            head.signer_capacity = " ".join(capacity)
            if j < len(paras) and len(paras[j].split()) <= 6:
                head.signer = paras[j]
            return


def _recipients(paras: list[str]) -> list[str]:
    out: list[str] = []
    start = next((i for i, p in enumerate(paras) if fold(p).startswith("noi nhan")), None)
    if start is None:
        return out
    for para in paras[start + 1 :]:
        if not para.startswith(("-", "–", "+", "•")):
            break
        name = re.sub(
            r"\((?:b/c|báo cáo|để báo cáo|thực hiện|t/h)\)", "", para.strip("-–+• ,.;"), flags=re.IGNORECASE
        )
        name = name.strip(" ,.;")
        if name:
            out.append(name)
    return out
