"""Reading a directive's text: its heading (kind, number, date, issuer, signer, recipients) and the
tasks it sets, with the bodies each task addresses matched against the unit registry.

Pure functions over a ``Registry`` snapshot, so the parser runs the same from the web form, the API
and ``ketnoi propose-tasks FILE``. Nothing here writes: the user confirms proposals through services.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from ketnoi.directives import scope
from ketnoi.directives.heading import Heading as Heading
from ketnoi.directives.heading import fold_aligned, paragraphs
from ketnoi.directives.heading import read_heading as read_heading
from ketnoi.lib import docnumber
from ketnoi.lib.vn_text import fold

# --- The unit registry, as the matcher sees it ---------------------------------------------------


@dataclass(frozen=True)
class RegUnit:
    id: int
    code: str
    name: str
    kind: str
    level: str
    path: str
    names: tuple[str, ...]  # folded name, short name and aliases


@dataclass
class Registry:
    units: list[RegUnit]
    issuer: RegUnit | None = None
    _keys: dict[str, RegUnit] = field(default_factory=dict)
    _punctuated: list[tuple[str, RegUnit]] | None = None

    def __post_init__(self) -> None:
        for unit in self.units:
            for name in unit.names:
                self._keys.setdefault(name, unit)
        issuer = self.issuer
        if issuer is not None:
            proper = _proper_name(issuer)
            if proper:
                # "Công an huyện Bù Gia Mập" is "Công an huyện" in a letter of that district.
                for unit in self.under(issuer):
                    for name in unit.names:
                        relative = re.sub(rf"\s*\b{re.escape(proper)}\b", "", name).strip()
                        if relative and relative != name:
                            self._keys.setdefault(relative, unit)

    @property
    def province(self) -> RegUnit | None:
        if self.issuer is None:
            return None
        root = self.issuer.path[:4]
        return next((u for u in self.units if u.path == root), None)

    def under(
        self, unit: RegUnit | None, *, kinds: Iterable[str] | None = None, depth: int | None = None
    ) -> list[RegUnit]:
        if unit is None:
            return []
        wanted = set(kinds) if kinds is not None else None
        out = []
        for u in self.units:
            if u.path == unit.path or not u.path.startswith(unit.path):
                continue
            if depth is not None and len(u.path) != len(unit.path) + 4 * depth:
                continue
            if wanted is not None and u.kind not in wanted:
                continue
            out.append(u)
        return out

    def punctuated_names(self) -> list[tuple[str, RegUnit]]:
        """Registry names with a hyphen or a comma in them, longest first."""
        if self._punctuated is None:
            self._punctuated = sorted(
                ((k, u) for k, u in self._keys.items() if re.search(r"[-,–]", k) and len(k.split()) >= 3),
                key=lambda item: -len(item[0]),
            )
        return self._punctuated

    def lookup(self, phrase: str) -> RegUnit | None:
        key = fold(phrase)
        key = re.sub(r"^(cac|cua)\s+", "", key)
        if not key:
            return None
        if key in self._keys:
            return self._keys[key]
        best = process.extractOne(key, list(self._keys), scorer=fuzz.ratio, score_cutoff=90)
        if best is None:
            return None
        candidate = best[0]
        # Never let a tolerant match swap the level ("huyện" for "tỉnh").
        for a, b in (("huyen", "tinh"), ("xa", "huyen"), ("xa", "tinh")):
            if (f" {a}" in f" {key}" and f" {b}" in f" {candidate}" and f" {a}" not in f" {candidate}") or (
                f" {b}" in f" {key}" and f" {a}" in f" {candidate}" and f" {b}" not in f" {candidate}"
            ):
                return None
        return self._keys[candidate]


def _proper_name(unit: RegUnit) -> str:
    folded = fold(unit.name)
    return re.sub(r"^(tinh|thanh pho|thi xa|huyen|quan|xa|phuong|thi tran)\s+", "", folded)


def registry_from_units(units: Iterable[Any], issuer: Any | None) -> Registry:
    """Build a registry from Unit rows (anything with code, name, short_name, aliases, kind, level, path)."""
    reg_units = []
    issuer_reg = None
    for u in units:
        names = [u.name, u.short_name, *(a for a in (u.aliases or "").splitlines())]
        reg = RegUnit(
            u.id, u.code, u.name, u.kind, u.level, u.path, tuple(fold(n) for n in names if n and n.strip())
        )
        reg_units.append(reg)
        if issuer is not None and u.id == issuer.id:
            issuer_reg = reg
    return Registry(reg_units, issuer_reg)


# --- Bodies named in a phrase --------------------------------------------------------------------

DISTRICT_LEVEL = ("district", "town", "city", "enterprise_party_committee")
LOCALITIES = ("district", "town", "city")
AGENCIES = ("state_agency", "party_agency")
COMMUNES = ("commune", "ward")


def _collective(reg: Registry, name: str) -> list[RegUnit]:
    issuer = reg.issuer
    province = reg.province
    issuer_is_province = issuer is not None and issuer.kind == "province"
    local = issuer if issuer is not None and not issuer_is_province else province
    if name == "district_level":
        return reg.under(province, kinds=DISTRICT_LEVEL, depth=1)
    if name == "localities":
        return reg.under(province, kinds=LOCALITIES, depth=1)
    if name == "fronts":
        return reg.under(local, kinds=("front",), depth=1)
    if name == "agencies":
        return reg.under(local, kinds=AGENCIES, depth=1)
    if name == "party_agencies":
        return reg.under(local, kinds=("party_agency",), depth=1)
    if name == "communes":
        return reg.under(local, kinds=COMMUNES)
    if name == "party_groups":
        return [
            u
            for u in reg.under(local, depth=1)
            if any(n.startswith(("dang doan", "ban can su dang")) for n in u.names)
        ]
    if name == "levels":
        if issuer_is_province:
            return reg.under(province, kinds=DISTRICT_LEVEL, depth=1)
        return reg.under(issuer, kinds=COMMUNES)
    return []


# Phrases that mean a set of units (folded), most specific first.
COLLECTIVES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"cac huyen(?: uy)?,(?: thi(?: xa)?(?: uy)?,)? (?:thi uy, )?thanh uy,? (?:va )?dang uy truc thuoc(?: tinh uy)?"  # noqa: E501
        ),
        "district_level",
    ),
    (
        re.compile(r"cac huyen(?: uy)?, thi(?: uy)?, thanh uy,? (?:va )?dang uy truc thuoc(?: tinh uy)?"),
        "district_level",
    ),
    # "Các huyện ủy, thị ủy, thành ủy" names the localities' committees, not the enterprise Party
    # committees that only "đảng ủy trực thuộc" names.
    (
        re.compile(
            r"cac huyen(?: uy)?,(?: thi(?: xa)?(?: uy)?,)? (?:thi uy, )?thanh uy|cac huyen, thi, thanh uy"
        ),
        "localities",
    ),
    (re.compile(r"cac dang uy truc thuoc tinh uy"), "district_level"),
    (re.compile(r"(?:ubnd|uy ban nhan dan) cac huyen,(?: thi xa,)? thanh pho"), "localities"),
    (re.compile(r"cac huyen, thi xa, thanh pho|cac huyen, thanh pho|cac huyen, thi xa"), "localities"),
    (
        re.compile(
            r"(?:cac )?to chuc chinh tri\s*-\s*xa hoi(?: (?:tinh|huyen))?|(?:cac )?doan the(?: chinh tri\s*-\s*xa hoi)?(?: (?:tinh|huyen))?"  # noqa: E501
        ),
        "fronts",
    ),
    (
        re.compile(
            r"cac (?:co quan, )?so, ban, nganh(?: (?:tinh|huyen))?|cac ban, so, nganh|cac phong,? ban,? nganh(?: huyen)?"  # noqa: E501
        ),
        "agencies",
    ),
    (
        re.compile(
            r"cac ban xay dung dang(?: tinh uy| huyen uy)?|cac co quan tham muu(?:,)? giup viec(?: tinh uy| huyen uy)?"  # noqa: E501
        ),
        "party_agencies",
    ),
    (re.compile(r"cac dang doan, ban can su dang|cac ban can su dang, dang doan"), "party_groups"),
    (
        re.compile(
            r"(?:ubnd |uy ban nhan dan )?cac (?:xa, phuong, thi tran|xa, thi tran|xa, phuong)|(?:ubnd|uy ban nhan dan) cac xa|cac to chuc co so dang truc thuoc(?: huyen uy)?|cac chi,? dang bo co so|dang uy cac xa(?:, thi tran)?"  # noqa: E501
        ),
        "communes",
    ),
    (re.compile(r"cac cap uy(?:, to chuc dang)?(?:, chinh quyen)?|cap uy, chinh quyen cac cap"), "levels"),
]

# A phrase that starts with one of these names a body.
BODY_HEADS = re.compile(
    r"^(?:cac )?(?:ban|uy ban|ubnd|ubmttq|hdnd|thuong truc|so|phong|cong an|dang doan|ban can su dang|tinh doan|huyen doan|"  # noqa: E501
    r"thanh doan|doan thanh nien|mat tran|hoi|chi bo|dang uy|dang bo|huyen uy|thanh uy|thi uy|van phong|dai|bao|"  # noqa: E501
    r"lien doan|bo chi huy|bo doi|toa an|vien kiem sat|truong|trung tam|cuc|bo|ubkt)\b"
)
# Where the subject of a sentence ends: the first verb of the task.
_VERB = re.compile(
    r"(?<!ban)\s(?:chu tri|phoi hop|tap trung|chi dao|lanh dao|tang cuong|nghien cuu|can cu|thuc hien|tham muu|"  # noqa: E501
    r"xay dung|huong dan|trien khai|day manh|co trach nhiem|theo doi|kip thoi|thuong xuyen|quan triet|"
    r"to chuc (?:quan triet|thuc hien|trien khai|tuyen truyen|tap huan)|bao cao|ban hanh|tiep tuc|nang cao|"
    r"chu dong|duy tri|tich cuc|ra soat|kiem tra|phat huy|sua doi|giam sat|chuan bi|mo|phat dong|bien soan|"
    r"tong hop|bo tri|kien toan|dang tai|san xuat|tuong thuat|cap nhat|van dong|tu kiem tra|phan cong|cu|"
    r"tuyen truyen|dang ky|gui|lap|phat hanh|"
    r"to chuc(?! chinh tri| co so| dang| doan| thanh vien))\b"
)
_PREFIX = re.compile(
    r"^(?:giao|de nghi|yeu cau|doi voi|ban thuong vu (?:tinh|huyen|thanh|thi|dang) uy (?:giao|yeu cau|de nghi)|"  # noqa: E501
    r"(?:thuong truc|ban thuong vu) (?:tinh|huyen|thanh|thi) uy (?:giao|yeu cau|de nghi)|tren co so [^,]*,)\s+"  # noqa: E501
)
INDIVIDUALS = re.compile(
    r"^(?:doi voi )?(?:moi |cac |toan the )?(?:can bo|dang vien|cong chuc|nguoi dan|ca nhan)\b"
)


@dataclass
class Bodies:
    units: list[RegUnit] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    individuals: bool = False

    def add_units(self, units: Iterable[RegUnit]) -> None:
        for u in units:
            if u not in self.units:
                self.units.append(u)

    def merge(self, other: Bodies) -> None:
        self.add_units(other.units)
        for name in other.unmatched:
            if name not in self.unmatched:
                self.unmatched.append(name)
        self.individuals = self.individuals or other.individuals

    def __bool__(self) -> bool:
        return bool(self.units or self.unmatched)


def subject_of(text: str) -> str:
    """The part of a task's text that names who does it: before ':' or before the first verb."""
    folded = fold_aligned(text)
    prefix = _PREFIX.match(folded)
    start = prefix.end() if prefix else 0
    if _VERB.match(" " + folded[start:]):
        return ""  # "Tăng cường ...": the sentence names no one
    cut = len(text)
    colon = text.find(":", start)
    if 0 <= colon < 220 and "." not in text[start:colon]:
        cut = colon
    verb = _VERB.search(folded, start)
    if verb is not None and verb.start() < cut:
        cut = verb.start()
    return text[start : min(cut, start + 220)]


def bodies_in(phrase: str, reg: Registry) -> Bodies:
    """Units named in ``phrase`` (a subject or a list of bodies), collective phrases included."""
    found = Bodies()
    folded = fold_aligned(phrase)
    mask = list(phrase)
    for pattern, name in COLLECTIVES:
        for m in pattern.finditer(folded):
            if all(c == "\0" for c in mask[m.start() : m.end()]):
                continue
            found.add_units(_collective(reg, name))
            for i in range(m.start(), m.end()):
                mask[i] = "\0"
    # Names in the registry are taken whole first, so "Đài Phát thanh - Truyền hình tỉnh" or "Sở Văn
    # hóa, Thể thao và Du lịch" is never split at its hyphen or comma.
    for key, named in reg.punctuated_names():
        at = folded.find(key)
        while at >= 0:
            end = at + len(key)
            whole = (at == 0 or not folded[at - 1].isalnum()) and (
                end == len(folded) or not folded[end].isalnum()
            )
            if whole and all(c != "\0" for c in mask[at:end]):
                found.add_units([named])
                for i in range(at, end):
                    mask[i] = "\0"
            at = folded.find(key, at + 1)
    rest = "".join(mask)
    if INDIVIDUALS.match(fold(rest.replace("\0", " ").strip(" ,.:;"))):
        found.individuals = True
    pieces = re.split(r"[,;:()]|\s-\s|\0+", rest)
    for piece in pieces:
        for part in _split_and(piece):
            part = part.strip(" .-–\t")
            if len(part) < 3:
                continue
            key = fold(part)
            unit = reg.lookup(part)
            if unit is not None:
                found.add_units([unit])
            elif (
                BODY_HEADS.match(key)
                and len(key.split()) >= 2
                and not key.startswith(("cac ban nganh", "ban bi thu"))
                and part not in found.unmatched
            ):
                found.unmatched.append(part)
    return found


def _split_and(piece: str) -> list[str]:
    """Split on "và" only where a new body starts ("Giáo dục và Đào tạo" stays whole)."""
    parts = re.split(r"\s+và\s+", piece)
    out: list[str] = []
    for part in parts:
        if out and not BODY_HEADS.match(fold(part)):
            out[-1] = f"{out[-1]} và {part}"
        else:
            out.append(part)
    return out


def coordinating_in(text: str, reg: Registry) -> Bodies:
    """Bodies the task's lead works with: after "phối hợp với"."""
    found = Bodies()
    folded = fold_aligned(text)
    # After "phối hợp với", and the bodies a lead directs ("... lãnh đạo UBND tỉnh chỉ đạo Sở X xây dựng").
    for m in re.finditer(r"phoi hop (?:voi|cung)\s+|\bchi dao\s+", folded[:400]):
        tail = text[m.end() : m.end() + 160]
        folded_tail = fold_aligned(tail)
        end = min(
            (x.start() for x in (re.search(r"[.;]", folded_tail), _VERB.search(" " + folded_tail)) if x),
            default=len(tail),
        )
        found.merge(bodies_in(tail[:end], reg))
    return found


def recipients_to_units(names: list[str], reg: Registry) -> tuple[list[RegUnit], list[str]]:
    """Map "Nơi nhận" lines to units; lines naming no unit of the registry come back as text."""
    units: list[RegUnit] = []
    unmatched: list[str] = []
    for name in names:
        if fold(name).startswith("luu"):
            continue
        found = bodies_in(name, reg)
        if found.units:
            units.extend(u for u in found.units if u not in units)
        else:
            unmatched.append(name)
    return units, unmatched


# --- Task proposals ------------------------------------------------------------------------------

_TOP = re.compile(r"^(?P<n>\d{1,2})\s*[.)]\s+(?!\d)")
_ORDINALS = ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]
_ORDINAL = re.compile(r"^(?P<w>Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười)\s+là\s*[,:.]?\s*", re.IGNORECASE)
_LETTER = re.compile(
    r"^(?P<l>[a-zđ])\s*\)\s+|^(?P<l2>[a-zđ])\.\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ])"
)
_DASH = re.compile(r"^[-–•+]\s*")
_ROMAN = re.compile(r"^(?P<r>[IVX]{1,5})\s*[.)]\s+")
_LEAD_IN = re.compile(
    r"(?:yeu cau|de nghi|chi dao|giao|nhiem vu sau|nhu sau|sau day|cu the|mot so nhiem vu|nhiem vu, giai phap)[^.]{0,80}:\s*$"  # noqa: E501
)
_OPERATIVE_ROMAN = re.compile(r"nhiem vu|giai phap|to chuc thuc hien|de xuat|kien nghi|phuong huong")
_END = re.compile(
    r"^(?:noi nhan|t/m |tm\.|k/t |kt\.|t/l |tin lien quan|(?:chi thi|nghi quyet|cong van|quy dinh|ke hoach|huong dan|"  # noqa: E501
    r"thong bao|quyet dinh|bao cao) nay (?:duoc|co hieu luc|thay the)|truong hop co (?:kho khan|vuong mac))"
)
# The closing courtesy sentence ("Nhận được công văn này, đề nghị các đơn vị quan tâm thực hiện./."):
# the end of the body, never a task.
_COURTESY = re.compile(
    r"^(?:nhan duoc (?:cong van|van ban|huong dan|ke hoach)|tren day la|rat mong|"
    r"trong qua trinh (?:thuc hien|trien khai)[^.]{0,60}(?:kho khan|vuong mac)|"
    r"(?:de nghi|yeu cau)\s+(?:thu truong\s+)?(?:cac|quy)\s+(?:don vi|co quan|dong chi|dia phuong|cap uy)|"
    r"(?:van phong|ban)[^.]{0,40}\bthong bao de\b)"
)
_COURTESY_TAIL = re.compile(
    r"(?:quan tam|nghiem tuc|khan truong)[^.]{0,40}(?:thuc hien|phoi hop)[^.]{0,40}\./\.?$"
)
# An item that weighs what was done (in a notice of conclusions) sets no task.
_EVALUATIVE = re.compile(
    r"^(?:ghi nhan|bieu duong|danh gia cao|co ban thong nhat|thong nhat (?:voi|thong qua)|hoan nghenh)"
)


def is_closing(paragraph: str) -> bool:
    folded = fold(paragraph)
    return bool(_END.match(folded) or _COURTESY.match(folded) or _COURTESY_TAIL.search(folded))


RECURRENCE_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"hang thang|moi thang|dinh ky (?:hang )?thang"), "monthly"),
    (re.compile(r"hang quy|moi quy|dinh ky (?:hang )?quy"), "quarterly"),
    (re.compile(r"6 thang|sau thang|nua nam"), "half_yearly"),
    (re.compile(r"hang nam|moi nam|dinh ky (?:hang )?nam"), "yearly"),
    (re.compile(r"dinh ky bao cao|bao cao dinh ky"), "quarterly"),
]
_DUE = re.compile(r"(?:truoc|cham nhat|han chot|hoan thanh)(?: ngay| truoc ngay)?\s+(\d{1,2}/\d{1,2}/\d{4})")


@dataclass
class Proposal:
    number: str  # as in the text: "3", "3.2", "1.a"
    text: str
    heading: str
    units: list[RegUnit]
    unmatched: list[str]
    coordinating: list[RegUnit]
    recurrence: str
    due_date: dt.date | None
    out_of_scope: list[str]
    addressed_to_individuals: bool

    @property
    def selected(self) -> bool:
        """Proposed for confirmation by default: a unit task with nothing out of scope in it."""
        return not self.out_of_scope and not self.addressed_to_individuals

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text,
            "heading": self.heading,
            "unit_codes": [u.code for u in self.units],
            "unit_names": [u.name for u in self.units],
            "unmatched_bodies": self.unmatched,
            "coordinating_unit_codes": [u.code for u in self.coordinating],
            "recurrence": self.recurrence,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "out_of_scope": self.out_of_scope,
            "addressed_to_individuals": self.addressed_to_individuals,
            "selected": self.selected,
        }


@dataclass
class _Item:
    number: str
    text: str
    subs: list[_Item] = field(default_factory=list)
    sub_kind: str = ""  # "dash", "letter" or "paragraph"


def _operative(paras: list[str]) -> list[str]:
    """The paragraphs that set tasks: after the lead-in ("... yêu cầu:") or under the roman heading
    of tasks and solutions, up to the recipients, the signature or the closing sentence."""
    start = 0
    stop = len(paras)
    romans = [(i, p) for i, p in enumerate(paras) if _ROMAN.match(p) and p.upper() == p]
    # Who does what is under "TỔ CHỨC THỰC HIỆN" when a plan has it; else the first operative heading.
    romans.sort(key=lambda r: 0 if "to chuc thuc hien" in fold(r[1]) else 1)
    for i, p in romans:
        if _OPERATIVE_ROMAN.search(fold(p)):
            start = i + 1
            after = [j for j, _p in romans if j > i]
            stop = min(after) if after else len(paras)
            break
    else:
        for i, p in enumerate(paras):
            if _LEAD_IN.search(fold(p)) and i + 1 < len(paras):
                start = i + 1
    for i in range(start, stop):
        if is_closing(paras[i]):
            stop = i
            break
    return paras[start:stop]


def _items(paras: list[str], reg: Registry) -> list[_Item]:
    items: list[_Item] = []
    current: _Item | None = None
    sub: _Item | None = None
    for para in paras:
        top = _TOP.match(para)
        ordinal = _ORDINAL.match(para)
        if top or ordinal:
            number = top["n"] if top else str(_ORDINALS.index(ordinal["w"].lower()) + 1)  # type: ignore[index]
            body = para[(top or ordinal).end() :]  # type: ignore[union-attr]
            current = _Item(number, body)
            items.append(current)
            sub = None
            continue
        if current is None:
            # Paragraphs before any number: each body-led paragraph is its own task.
            if _leads_with_body(para, reg):
                current = _Item(str(len(items) + 1), para)
                items.append(current)
            continue
        letter = _LETTER.match(para)
        dash = _DASH.match(para)
        if letter or dash:
            kind = "letter" if letter else "dash"
            label = (letter["l"] or letter["l2"]) if letter else str(len(current.subs) + 1)
            sub = _Item(f"{current.number}.{label}", para[(letter or dash).end() :])  # type: ignore[union-attr]
            current.subs.append(sub)
            current.sub_kind = current.sub_kind or kind
            continue
        if _leads_with_body(para, reg) and current.sub_kind in ("", "paragraph"):
            sub = _Item(f"{current.number}.{len(current.subs) + 1}", para)
            current.subs.append(sub)
            current.sub_kind = "paragraph"
            continue
        target = sub if sub is not None else current
        target.text = f"{target.text}\n{para}" if target.text else para
    return items


def _leads_with_body(para: str, reg: Registry) -> bool:
    subject = subject_of(para)
    if not subject or len(subject) > 160 or subject == para:
        return False
    folded = fold(subject)
    if not (
        BODY_HEADS.match(folded) or any(p.match(folded) for p, _n in COLLECTIVES) or _PREFIX.match(fold(para))
    ):
        return False
    return bool(bodies_in(subject, reg))


def _hints(text: str) -> tuple[str, dt.date | None, list[str]]:
    folded = fold(text)
    recurrence = next((value for pattern, value in RECURRENCE_HINTS if pattern.search(folded)), "")
    due = _DUE.search(folded)
    due_date = docnumber.parse_date(due[1]) if due else None
    return recurrence, due_date, scope.flags_of(text)


flags_of = scope.flags_of  # the one scope rule, also used by the services


def _proposal(number: str, text: str, heading: str, inherited: Bodies, reg: Registry) -> Proposal:
    own = bodies_in(subject_of(text), reg)
    bodies = own if own else inherited
    if own.individuals and not own:
        bodies = own
    coordinating = coordinating_in(text, reg)
    if heading:
        # "X lãnh đạo UBND tỉnh chỉ đạo các sở, ban, ngành...": bodies directed by the lead.
        directed = re.search(r"(?:chi dao|lanh dao)\s+(.*)$", fold_aligned(heading))
        if directed:
            coordinating.merge(bodies_in(heading[directed.start(1) :], reg))
    recurrence, due_date, flags = _hints(text)
    co_units = [u for u in coordinating.units if u not in bodies.units]
    return Proposal(
        number=number,
        text=text.strip(),
        heading=heading.strip(),
        units=list(bodies.units),
        unmatched=list(bodies.unmatched),
        coordinating=co_units,
        recurrence=recurrence,
        due_date=due_date,
        out_of_scope=flags,
        addressed_to_individuals=bodies.individuals and not bodies.units,
    )


def propose_tasks(text: str, reg: Registry) -> list[Proposal]:
    """The tasks a directive sets, numbered as in its text, with the bodies each one addresses."""
    paras = paragraphs(text)
    operative = _operative(paras)
    lead_in = next(
        (p for p in reversed(paras[: max(0, len(paras) - len(operative))]) if _LEAD_IN.search(fold(p))), ""
    )
    preamble = Bodies()
    if lead_in:
        # "Ban Thường vụ Huyện ủy yêu cầu A, B, C tập trung thực hiện...": the addressees of every task.
        folded = fold_aligned(lead_in)
        m = re.search(
            r"(?<!tuyen )\b(?:yeu cau|de nghi|giao)\s+(.*?)"
            r"(?:\s(?:tap trung|thuc hien|trien khai|khan truong)\b|:\s*$)",
            folded,
        )
        if m:
            preamble = bodies_in(lead_in[m.start(1) : m.end(1)], reg)
    if not preamble.units:
        # "Kính gửi: ..." names whom the letter addresses when its lead-in does not.
        for name in read_heading(text).addressees:
            preamble.merge(bodies_in(name, reg))
    proposals: list[Proposal] = []
    for item in _items(operative, reg):
        if not item.subs and _EVALUATIVE.match(fold(item.text)):
            continue
        if item.subs and item.sub_kind in ("dash", "letter"):
            heading_bodies = bodies_in(subject_of(item.text), reg)
            inherited = heading_bodies if heading_bodies or heading_bodies.individuals else preamble
            if heading_bodies.individuals and not heading_bodies.units:
                inherited = heading_bodies
            for sub in item.subs:
                proposal = _proposal(sub.number, sub.text, item.text, inherited, reg)
                if inherited.individuals and not inherited.units and not bodies_in(subject_of(sub.text), reg):
                    proposal.addressed_to_individuals = True
                proposals.append(proposal)
            continue
        proposals.append(_proposal(item.number, item.text, "", preamble, reg))
        proposals.extend(_proposal(sub.number, sub.text, "", preamble, reg) for sub in item.subs)
    return proposals


def analyse(text: str, reg: Registry) -> dict[str, Any]:
    """Everything ``ketnoi propose-tasks`` prints: heading, references and proposed tasks."""
    head = read_heading(text)
    references = [r for r in docnumber.find_references(text) if r.number != head.number]
    units, unmatched = recipients_to_units(head.recipients, reg)
    return {
        **head.as_dict(),
        "recipient_unit_codes": [u.code for u in units],
        "recipients_unmatched": unmatched,
        "references": [r.as_dict() for r in references],
        "tasks": [p.as_dict() for p in propose_tasks(text, reg)],
    }
