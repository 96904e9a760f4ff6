"""Writes of the look-alike watch, and the scoring every entry point shares (web, API, CLI, public check).

Limits, enforced here for every entry point: only pages and sites that resemble a registered official page
are kept (scored at or above the threshold of the imitated page's unit); a person's own account is never
accepted; a fan or parody page is marked as such and never reported. A reviewer needs ``edit`` on the unit
of the imitated page.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, NotAuthenticated, ValidationError
from ketnoi.lib import filetypes, uploads, weburl
from ketnoi.lookalike import pictures, selectors
from ketnoi.lookalike.models import (
    Candidate,
    Decision,
    Evidence,
    OfficialPicture,
    PlatformReport,
    ReportState,
    SignalSnapshot,
    Source,
    WatchSetting,
)
from ketnoi.lookalike.scoring import Candidate as Suspect
from ketnoi.lookalike.scoring import reasons_of
from ketnoi.pages.models import Page, PageStatus
from ketnoi.pages.urlnorm import BadAddress, canonical, is_personal_profile, platform_of
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
EVIDENCE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".pdf")
# Which state a platform report may go to from each state.
NEXT_STATES: dict[str, tuple[str, ...]] = {
    ReportState.PREPARED: (ReportState.REPORTED,),
    ReportState.REPORTED: (ReportState.TAKEN_DOWN, ReportState.REFUSED),
    ReportState.REFUSED: (ReportState.APPEALED,),
    ReportState.APPEALED: (ReportState.TAKEN_DOWN, ReportState.REFUSED),
    ReportState.TAKEN_DOWN: (),
}


def _today() -> dt.date:
    return timezone.localdate()


def clean_address(url: str, field: str = "url") -> tuple[str, str, str]:
    """(address to store, canonical address, platform) of a candidate's address, through the one web-address
    check; a person's own account is refused (the watch never looks at people)."""
    stored = weburl.require_web_address(url, field=field, label=_("Address"))
    try:
        key, platform = canonical(stored), platform_of(stored)
    except BadAddress as exc:
        raise ValidationError(
            _("“%(value)s” is not a web address.") % {"value": url[:80]},
            fields={field: _("Not a web address.")},
        ) from exc
    if is_personal_profile(stored):
        raise ValidationError(
            _("This is the address of a person's own account: the watch looks only at pages and sites."),
            fields={field: _("A person's own account is never watched.")},
        )
    return stored, key, platform


def candidate_from(
    *, name: str = "", url: str = "", avatar: bytes | None = None, avatar_name: str = "avatar"
) -> Suspect:
    """A candidate built from what a person gives: refuses a bad address and a person's own profile."""
    name = " ".join(_CONTROL.sub(" ", name or "").split())[:255]  # no NUL or line breaks in a stored name
    stored, key, platform = clean_address(url) if url else ("", "", "")
    if not name and not key:
        raise ValidationError(_("Give a name or an address."), fields={"name": _("Required.")})
    phash = dhash = None
    if avatar is not None:
        phash, dhash = pictures.hashes(pictures.checked(avatar, name=avatar_name, field="avatar"))
    return Suspect(
        name=name, url=stored, canonical_url=key, platform=platform, avatar_phash=phash, avatar_dhash=dhash
    )


def score_report(
    *, name: str = "", url: str = "", avatar: bytes | None = None, avatar_name: str = "avatar", limit: int = 5
) -> dict[str, Any]:
    """The best-matching official pages of a candidate with every signal, as plain data (JSON)."""
    candidate = candidate_from(name=name, url=url, avatar=avatar, avatar_name=avatar_name)
    matches = selectors.score_candidate(candidate, limit=max(1, min(limit, 50)))
    return {
        "candidate": {
            "name": candidate.name,
            "url": candidate.url,
            "canonical_url": candidate.canonical_url,
            "avatar_phash": pictures.as_hex(candidate.avatar_phash),
            "avatar_dhash": pictures.as_hex(candidate.avatar_dhash),
        },
        "matches": [
            {
                "page": {
                    "id": m.official.page_id,
                    "name": m.official.name,
                    "url": m.official.url,
                    "unit_name": m.official.unit_name,
                },
                "score": round(m.signals.combined, 3),
                "signals": m.signals.as_dict(),
            }
            for m in matches
        ],
    }


@permissions.gated
def resembled_page(suspect: Suspect, *, by: Actor) -> tuple[Page, Any] | None:
    """The official page the suspect resembles most at or above its unit's threshold, among the pages
    ``by`` may edit (so nothing outside the caller's units is revealed), with the signals; or None."""
    for match in selectors.score_candidate(suspect, limit=5, minimum=0.5):
        page = Page.objects.select_related("unit").get(pk=match.official.page_id)
        if not permissions.can(by, "edit", page.unit):
            continue
        if match.signals.combined < selectors.threshold_for(page.unit):
            return None
        return page, match.signals
    return None


@permissions.gated
@transaction.atomic
def candidate_record(
    *,
    source: str,
    by: Actor,
    name: str = "",
    url: str = "",
    avatar: bytes | None = None,
    avatar_name: str = "avatar",
    seen_at: dt.datetime | None = None,
) -> Candidate | None:
    """Keep a page that resembles an official page as a candidate (or refresh the one already kept).

    Returns None, keeping nothing, when it resembles no official page closely enough.
    """
    if source not in Source.values:
        raise ValidationError(_("Unknown source."), fields={"source": _("Unknown source.")})
    if by is None or not getattr(by, "is_authenticated", False):
        raise NotAuthenticated()
    suspect = candidate_from(name=name, url=url, avatar=avatar, avatar_name=avatar_name)
    found = resembled_page(suspect, by=by)
    if found is None:
        return None
    page, signals = found
    permissions.require(by, "edit", page.unit)
    moment = seen_at or timezone.now()
    candidate = (
        Candidate.objects.select_for_update().filter(page=page, canonical_url=suspect.canonical_url).first()
        if suspect.canonical_url
        else None
    )
    if candidate is None:
        candidate = Candidate(page=page, unit=page.unit, source=source, first_seen=moment)
        reason = gettext_noop("Found")
    else:
        reason = gettext_noop("Seen again")
    candidate.name = suspect.name or candidate.name
    candidate.url = suspect.url or candidate.url
    candidate.canonical_url = suspect.canonical_url
    candidate.platform = suspect.platform
    candidate.last_seen = moment
    candidate.score = round(signals.combined, 4)
    candidate.signals = signals.as_dict()
    if avatar is not None:
        picture = pictures.checked(avatar, name=avatar_name, field="avatar")
        candidate.avatar.save("avatar.jpg", ContentFile(picture), save=False)
        candidate.avatar_phash = pictures.as_hex(suspect.avatar_phash)
        candidate.avatar_dhash = pictures.as_hex(suspect.avatar_dhash)
    stamp(candidate, by, reason)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:  # the same address recorded at the same moment by another request
        raise Conflict(_("This address is already being recorded."), fields={"url": _("Try again.")}) from exc
    SignalSnapshot.objects.create(candidate=candidate, score=candidate.score, signals=candidate.signals)
    return candidate


def candidate_add(**kwargs: Any) -> Candidate:
    """``candidate_record`` for a person adding one page: a page that resembles no official page is a 422."""
    candidate = candidate_record(**kwargs)
    if candidate is None:
        raise ValidationError(
            _("This page does not resemble any registered official page closely enough to be watched."),
            fields={"name": _("Resembles no official page.")},
        )
    return candidate


@permissions.gated
@transaction.atomic
def candidate_review(*, candidate: Candidate, decision: str, by: Actor, note: str | None = None) -> Candidate:
    """The reviewer's decision. A confirmed impersonation gets its platform report and warning notice
    prepared; a fan or parody page, or an unrelated one, is never reported or published."""
    permissions.require(by, "edit", candidate.unit)
    if decision not in Decision.values or decision == Decision.PENDING:
        raise ValidationError(
            _("Choose impersonation, fan or parody page, unrelated, or needs more evidence."),
            fields={"decision": _("Not a decision.")},
        )
    candidate = Candidate.objects.select_for_update().select_related("page", "unit").get(pk=candidate.pk)
    candidate.decision = decision
    candidate.decided_on = _today()
    candidate.decided_by = permissions.person(by)
    if note is not None:
        candidate.note = note.strip()[:2000]
    if decision != Decision.IMPERSONATION:
        candidate.published = False
    elif not candidate.warning_notice:
        candidate.warning_notice = warning_notice_text(candidate)
    stamp(candidate, by, gettext_noop("Reviewed"))
    candidate.save()
    if decision == Decision.IMPERSONATION:
        report_prepare(candidate=candidate, by=by)
    return candidate


def warning_notice_text(candidate: Candidate) -> str:
    page = candidate.page
    return _(
        "WARNING ABOUT A FAKE PAGE\n\n"
        "The page “%(fake)s” (%(fake_url)s) is not the official page of %(unit)s. It imitates our official "
        "page “%(official)s” (%(official_url)s). Please do not follow its instructions, send it money or "
        "personal information, or share its posts. We have reported it to the platform.\n\n"
        "Our only official page is %(official_url)s; every official page of the province is listed in the "
        "public directory."
    ) % {
        "fake": candidate.name or candidate.canonical_url,
        "fake_url": candidate.url or "—",
        "unit": page.unit.name,
        "official": page.name,
        "official_url": page.url,
    }


def report_fields(candidate: Candidate) -> dict[str, Any]:
    """The platform's impersonation form, filled from the registry and the evidence."""
    page = candidate.page
    return {
        "platform": page.platform,
        "report_type": "impersonation",
        "impersonated_organisation": page.unit.name,
        "official_page_name": page.name,
        "official_page_url": page.url,
        "official_page_verified_on": page.verified_on.isoformat() if page.verified_on else None,
        "impersonating_page_name": candidate.name,
        "impersonating_page_url": candidate.url,
        "first_seen": timezone.localtime(candidate.first_seen).date().isoformat(),
        "reasons": reasons_of(candidate.signals, page.name),
        "evidence": [
            {"file": e.file_name, "captured_on": e.captured_on.isoformat() if e.captured_on else None}
            for e in candidate.evidence.all()
        ],
    }


@permissions.gated
@transaction.atomic
def report_prepare(*, candidate: Candidate, by: Actor) -> PlatformReport:
    permissions.require(by, "edit", candidate.unit)
    if candidate.decision != Decision.IMPERSONATION:
        raise ValidationError(
            _("Only a confirmed impersonation is reported to the platform."),
            fields={"decision": _("Not confirmed as an impersonation.")},
        )
    report = PlatformReport.objects.filter(candidate=candidate).first() or PlatformReport(candidate=candidate)
    if report.state == ReportState.PREPARED:
        report.fields = report_fields(candidate)
    stamp(report, by, gettext_noop("Report prepared"))
    report.save()
    return report


@permissions.gated
@transaction.atomic
def report_set_state(
    *,
    report: PlatformReport,
    state: str,
    by: Actor,
    on: dt.date | None = None,
    reference: str | None = None,
    note: str | None = None,
) -> PlatformReport:
    """Follow the report: reported, then taken down or refused; a refusal may be appealed."""
    report = PlatformReport.objects.select_for_update().select_related("candidate__unit").get(pk=report.pk)
    permissions.require(by, "edit", report.candidate.unit)
    if state not in NEXT_STATES.get(report.state, ()):
        raise ValidationError(
            _("A report that is “%(now)s” cannot become “%(next)s”.")
            % {
                "now": report.get_state_display(),
                "next": ReportState(state).label if state in ReportState.values else state,
            },
            fields={"state": _("Not the next step of this report.")},
        )
    day = on or _today()
    if day > _today():
        raise ValidationError(_("The date is in the future."), fields={"on": _("In the future.")})
    if state == ReportState.REPORTED:
        report.fields = report_fields(report.candidate)
        report.reported_on = day
    report.state = state
    report.state_changed_on = day
    if reference is not None:
        report.reference = reference.strip()[:100]
    if note is not None:
        report.note = note.strip()[:2000]
    stamp(report, by, gettext_noop("Report state changed"))
    report.save()
    return report


@permissions.gated
@transaction.atomic
def candidate_publish(*, candidate: Candidate, published: bool, by: Actor) -> Candidate:
    """Show (or stop showing) a confirmed fake beside its official page in the public directory."""
    permissions.require(by, "edit", candidate.unit)
    candidate = Candidate.objects.select_for_update().select_related("page", "unit").get(pk=candidate.pk)
    if published and candidate.decision != Decision.IMPERSONATION:
        raise ValidationError(
            _("Only a confirmed impersonation can be published as a known fake."),
            fields={"published": _("Not confirmed as an impersonation.")},
        )
    candidate.published = published
    stamp(
        candidate, by, gettext_noop("Published as a known fake") if published else gettext_noop("Unpublished")
    )
    candidate.save(update_fields=["published", "updated_at"])
    return candidate


@permissions.gated
@transaction.atomic
def evidence_add(
    *,
    candidate: Candidate,
    name: str,
    data: bytes,
    by: Actor,
    note: str = "",
    captured_on: dt.date | None = None,
) -> Evidence:
    """Store a screenshot (PNG, JPEG) or a PDF with a candidate, through the upload guard."""
    permissions.require(by, "edit", candidate.unit)
    uploads.check(data, name=name, kind="evidence")
    trouble = filetypes.problem(name, data, EVIDENCE_EXTENSIONS)
    if trouble:
        message = (
            _("%(file)s: only screenshots (PNG, JPEG) and PDF files can be stored as evidence.")
            if trouble == "type"
            else _("%(file)s is not what its name says: its content does not match.")
        )
        raise ValidationError(message % {"file": name}, fields={"file": message % {"file": name}})
    if captured_on and captured_on > _today():
        raise ValidationError(_("The date is in the future."), fields={"captured_on": _("In the future.")})
    evidence = Evidence(
        candidate=candidate,
        file_name=name[:255],
        file_size=len(data),
        note=note.strip()[:500],
        captured_on=captured_on,
        added_by=permissions.person(by),
    )
    evidence.file.save(name, ContentFile(data), save=False)
    stamp(evidence, by, gettext_noop("Evidence added"))
    evidence.save()
    return evidence


@permissions.gated
@transaction.atomic
def watch_setting_set(
    *, unit: Unit, threshold: float, by: Actor, avatar_max_distance: int = 6
) -> WatchSetting:
    """The review threshold of a unit's subtree (a unit below may set its own)."""
    permissions.require(by, "manage", unit)
    if not 0.5 <= threshold <= 1.0:
        raise ValidationError(
            _("The threshold is a number from 0,5 to 1."), fields={"threshold": _("From 0,5 to 1.")}
        )
    if not 0 <= avatar_max_distance <= 32:
        raise ValidationError(
            _("The avatar distance is a whole number from 0 to 32."),
            fields={"avatar_max_distance": _("From 0 to 32.")},
        )
    setting = WatchSetting.objects.filter(unit=unit).first() or WatchSetting(unit=unit)
    setting.threshold = threshold
    setting.avatar_max_distance = avatar_max_distance
    stamp(setting, by, gettext_noop("Threshold set"))
    setting.save()
    return setting


@permissions.gated
@transaction.atomic
def official_picture_set(
    *, page: Page, by: Actor, avatar: bytes | None = None, cover: bytes | None = None
) -> OfficialPicture:
    """Record the hashes of an official page's avatar and cover, so copies of them are recognised."""
    permissions.require(by, "edit", page.unit)
    record = OfficialPicture.objects.filter(page=page).first() or OfficialPicture(page=page)
    if avatar is not None:
        phash, dhash = pictures.hashes(pictures.checked(avatar, name="avatar", field="avatar"))
        record.avatar_phash, record.avatar_dhash = pictures.as_hex(phash), pictures.as_hex(dhash)
    if cover is not None:
        phash, dhash = pictures.hashes(pictures.checked(cover, name="cover", field="cover"))
        record.cover_phash, record.cover_dhash = pictures.as_hex(phash), pictures.as_hex(dhash)
    stamp(record, by, gettext_noop("Pictures recorded"))
    record.save()
    transaction.on_commit(_pictures_changed)
    return record


def _pictures_changed() -> None:
    try:
        cache.incr(selectors.PICTURES_VERSION)
    except ValueError:
        cache.set(selectors.PICTURES_VERSION, 1, None)


def public_check_resemblance(url: str) -> dict[str, Any] | None:
    """For the public link check of an unregistered address: keep it as a candidate when it resembles an
    official page, and name that page to the citizen if the public directory vouches for it."""
    candidate = candidate_record(source=Source.PUBLIC_CHECK, url=url, by=permissions.SYSTEM)
    if candidate is None:
        return None
    page = candidate.page
    if page.status != PageStatus.VERIFIED or candidate.decision in (Decision.UNRELATED, Decision.FAN_PARODY):
        return None
    return {
        "name": page.name,
        "url": page.url,
        "canonical_url": page.canonical_url,
        "unit_name": page.unit.name,
        "score": candidate.score,
    }


def known_fakes(page_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for fake in selectors.published_fakes_of(page_ids):
        out.setdefault(fake.page_id, []).append({"name": fake.name, "canonical_url": fake.canonical_url})
    return out


@permissions.gated
@transaction.atomic
def candidate_update(
    *,
    candidate: Candidate,
    by: Actor,
    decision: str | None = None,
    note: str | None = None,
    published: bool | None = None,
    report_state: str | None = None,
    report_on: dt.date | None = None,
    report_reference: str | None = None,
) -> Candidate:
    """One change from the review screen or the API: a decision, the publication, the report's next step."""
    permissions.require(by, "edit", candidate.unit)
    if decision is not None:
        candidate = candidate_review(candidate=candidate, decision=decision, note=note, by=by)
    elif note is not None:
        candidate.note = note.strip()[:2000]
        stamp(candidate, by, gettext_noop("Note changed"))
        candidate.save(update_fields=["note", "updated_at"])
    if published is not None:
        candidate = candidate_publish(candidate=candidate, published=published, by=by)
    if report_state is not None or report_reference is not None:
        report = PlatformReport.objects.filter(candidate=candidate).first()
        if report is None:
            raise ValidationError(
                _("Only a confirmed impersonation is reported to the platform."),
                fields={"report_state": _("Not confirmed as an impersonation.")},
            )
        if report_state is not None:
            report_set_state(
                report=report, state=report_state, on=report_on, reference=report_reference, by=by
            )
        else:
            report.reference = (report_reference or "").strip()[:100]
            stamp(report, by, gettext_noop("Report state changed"))
            report.save(update_fields=["reference", "updated_at"])
    return candidate


@permissions.gated
def search_run(*, pages: list[Page], by: Actor, client: Any = None) -> dict[str, int]:
    """Search the platform for pages named like each official page and keep those that resemble one.

    Results that are a person's own account, an official page itself, or not a web address are skipped;
    a rate limit or an expired token stops the run with its message (what was kept so far stays kept).
    """
    from ketnoi.lookalike.search import PageSearch

    searcher = client or PageSearch()
    summary = {"pages": 0, "results": 0, "kept": 0, "skipped": 0}
    for page in pages:
        permissions.require(by, "edit", page.unit)
        summary["pages"] += 1
        for found in searcher.search(page.name):
            summary["results"] += 1
            try:
                kept = candidate_record(source=Source.SEARCH, name=found.name, url=found.link, by=by)
            except ValidationError:
                kept = None
            if kept is None:
                summary["skipped"] += 1
            else:
                summary["kept"] += 1
    return summary
