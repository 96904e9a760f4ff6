"""The scope rule for tasks, in one place: what a task of Kết Nối may never ask for.

Kết Nối records the communications work of units. It never builds a task that watches or penalises
persons for what they post: monitoring people's accounts or posts, identifying or de-anonymising
authors, collecting evidence on them, penalising them, or per-person posting quotas. The reader of
directive texts flags such passages (``proposals``) and the services refuse tasks, cascades and
progress notes that ask for them (``ketnoi.directives.services``), so the web, the API and the CLI
all refuse alike.

Patterns work on folded text (``ketnoi.lib.vn_text.fold``: no diacritics, lower case).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ketnoi.lib.vn_text import fold

PER_PERSON_QUOTA = "per_person_quota"
MONITORING = "monitoring_individuals"
ENFORCEMENT = "enforcement_on_individuals"

# Who a sentence may be watching or penalising: persons, never a unit's own work.
_PERSONS = r"(?:ca nhan|can bo|dang vien|cong chuc|vien chuc|giao vien|hoc sinh|nguoi dung|nguoi dan|doi tuong|truong hop)"  # noqa: E501

RULES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"moi (?:ngay|tuan|thang),? moi (?:can bo|dang vien|nguoi)|moi can bo[^.]{0,80}\b0?\d+ (?:tin|bai)"  # noqa: E501
        ),
        PER_PERSON_QUOTA,
    ),
    (
        # Identify authors, collect evidence on them, investigate or fine them.
        re.compile(
            r"danh tinh|(?:xac lap|thu thap|luu giu|lap)[^.;]{0,30}chung cu|"
            r"dieu tra[^.;]{0,60}" + _PERSONS + r"|xu phat[^.;]{0,60}" + _PERSONS + r"|"
            r"truy cuu[^.;]{0,40}(?:" + _PERSONS + r"|tai khoan)"
        ),
        ENFORCEMENT,
    ),
    (
        re.compile(
            r"giam sat (?:viec lap, su dung )?tai khoan|giam sat,? (?:kiem tra,? )?" + _PERSONS + r"|"
            r"theo doi[^.;]{0,60}tai khoan|giam sat[^.]{0,60}(?:dang tin|dang bai)|"
            r"giam sat viec su dung (?:internet|mang xa hoi)"
        ),
        MONITORING,
    ),
    (
        re.compile(
            r"xu ly nghiem[^.]{0,140}(?:ca nhan|truong hop|nguoi)|xu ly[^.]{0,30}cac truong hop vi pham|"
            r"(?:de xuat )?xu ly nghiem nhung ca nhan"
        ),
        ENFORCEMENT,
    ),
]


def flags_of(text: str) -> list[str]:
    """The reasons a text falls outside the product's scope (empty when it is a unit's work)."""
    folded = fold(text)
    return sorted({reason for pattern, reason in RULES if pattern.search(folded)})


def refusal_message(flags: list[str]) -> str:
    """Why the service refuses a text with these flags, in words a clerk can act on."""
    reasons = []
    if MONITORING in flags:
        reasons.append(_("monitoring persons' accounts or posts"))
    if ENFORCEMENT in flags:
        reasons.append(_("identifying, collecting evidence on or penalising persons for what they post"))
    if PER_PERSON_QUOTA in flags:
        reasons.append(_("a posting quota for each person"))
    return _(
        "Kết Nối records the work of units and never builds tasks about %(reasons)s. "
        "Leave this part out, or reword it as a unit's own work (informing, training, publishing)."
    ) % {"reasons": "; ".join(reasons)}
