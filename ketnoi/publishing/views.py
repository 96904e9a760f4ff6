"""Screens of the publishing app: library, story, calendar, publish pack, share kits (thin: selectors read,
services write)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketnoi.core import permissions
from ketnoi.core.audit import history_rows
from ketnoi.core.exceptions import ApplicationError, NotFound, ValidationError
from ketnoi.core.paging import page_of
from ketnoi.pages.selectors import page_get, page_list
from ketnoi.pages.views import unit_options
from ketnoi.publishing import calendar as cal
from ketnoi.publishing import selectors
from ketnoi.publishing.models import PublicationStatus, StoryStatus, Tag
from ketnoi.publishing.services import kits, publications, stories
from ketnoi.publishing.views_common import error_message
from ketnoi.units.models import Unit
from ketnoi.units.selectors import unit_get

STORIES_PAGE = 48  # story cards a page (a multiple of the grid's 2, 3 and 4 columns)
KITS_PAGE = 20  # share kits a page (each shows its per-unit table)


def _parse_day(raw: str) -> dt.date | None:
    try:
        if "/" in raw:
            day, month, year = (int(part) for part in raw.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(raw)
    except (ValueError, TypeError):
        return None


@login_required
def library(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "")
    status = request.GET.get("status", "")
    code = request.GET.get("unit", "")
    under = unit_get(code=code, for_user=request.user) if code else None
    since = _parse_day(request.GET.get("since", ""))
    until = _parse_day(request.GET.get("until", ""))
    found = selectors.story_list(
        for_user=request.user,
        q=q,
        tag=tag if tag in Tag.values else "",
        status=status if status in StoryStatus.values else "",
        under=under,
        since=since,
        until=until,
    ).prefetch_related("images")
    return render(
        request,
        "publishing/library.html",
        {
            "stories": page_of(request, found, STORIES_PAGE),
            "q": q,
            "tag": tag,
            "status": status,
            "unit_code": code,
            "since": since,
            "until": until,
            "tags": Tag.choices,
            "statuses": StoryStatus.choices,
            "units": unit_options(request.user),
            "can_write": permissions.can_any(request.user, "edit"),
        },
    )


def _story_fields(request: HttpRequest) -> dict[str, Any]:
    return {
        "title": request.POST.get("title", ""),
        "body": request.POST.get("body", ""),
        "tags": request.POST.getlist("tags"),
        "video_links": request.POST.get("video_links", "").splitlines(),
        "source": request.POST.get("source", ""),
        "rights_note": request.POST.get("rights_note", ""),
    }


def _add_images(request: HttpRequest, story: Any) -> None:
    for upload in request.FILES.getlist("images"):
        stories.story_image_add(
            story=story, stream=upload, name=upload.name or "image", size=upload.size or 0, by=request.user
        )


@login_required
def story_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    story = selectors.story_get(pk=pk, for_user=request.user, verb="edit") if pk else None
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = _story_fields(request)
        try:
            if story is None:
                unit = unit_get(code=request.POST.get("unit", ""), for_user=request.user, verb="edit")
                story = stories.story_create(unit=unit, by=request.user, **values)
            else:
                story = stories.story_update(story=story, by=request.user, **values)
            _add_images(request, story)
        except ValidationError as exc:
            errors = {**exc.fields, "__all__": exc.message}
        except ApplicationError as exc:
            errors = {"__all__": exc.message}
        else:
            messages.success(request, _("The story is saved."))
            return redirect("publishing:story", pk=story.pk)
    elif story is not None:
        values = {
            "title": story.title,
            "body": story.body,
            "tags": story.tags,
            "video_links": story.video_links,
            "source": story.source,
            "rights_note": story.rights_note,
        }
    return render(
        request,
        "publishing/story_form.html",
        {
            "story": story,
            "values": values,
            "video_text": "\n".join(values.get("video_links", [])),
            "errors": errors,
            "tags": Tag.choices,
            "units": unit_options(request.user),
            "chosen_unit": request.POST.get("unit", _own_unit_code(request.user)),
        },
    )


def _own_unit_code(user: Any) -> str:
    unit = getattr(user, "unit", None)
    return str(unit.code) if unit is not None else ""


@login_required
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = selectors.story_get(pk=pk, for_user=request.user)
    rows = list(selectors.publication_list(for_user=request.user, story=story))
    for row in rows:
        row.reason = error_message(row.error_code)  # type: ignore[attr-defined]
        if row.manual and row.platform in publications.API_PLATFORMS and row.status == "scheduled":
            row.reason = _(  # type: ignore[attr-defined]
                "No access token is stored for this page: it is posted by hand with the publish pack."
            )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.shown_status_label] = counts.get(row.shown_status_label, 0) + 1
    can_edit = permissions.can(request.user, "edit", story.unit)
    schedulable = story.status in (StoryStatus.APPROVED, StoryStatus.SCHEDULED, StoryStatus.PUBLISHED)
    taken = {r.page_id for r in rows}
    pages = (
        [
            p
            for p in page_list(for_user=request.user, verb="edit")
            if p.pk not in taken and p.status not in ("retired", "suspended")
        ]
        if can_edit and schedulable
        else []
    )
    return render(
        request,
        "publishing/story.html",
        {
            "story": story,
            "rows": rows,
            "counts": counts,
            "has_failed": any(r.status == PublicationStatus.FAILED for r in rows),
            "can_edit": can_edit,
            "can_approve": permissions.can(request.user, "approve", story.unit),
            "schedulable": schedulable,
            "pages": pages,
            "default_at": timezone.localtime(timezone.now() + dt.timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "history": history_rows(story),
            "kits": story.share_kits.all(),
            "kit_units": unit_options(request.user),
        },
    )


@login_required
@require_POST
def story_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    story = selectors.story_get(pk=pk, for_user=request.user)
    note = request.POST.get("note", "")
    try:
        if action == "submit":
            stories.story_submit(story=story, by=request.user)
            messages.success(request, _("Sent to the approver."))
        elif action == "approve":
            stories.story_approve(story=story, by=request.user, note=note)
            messages.success(request, _("Approved."))
        elif action == "return":
            stories.story_return(story=story, by=request.user, note=note)
            messages.success(request, _("Returned to the authors."))
        elif action == "withdraw":
            stories.story_withdraw(story=story, by=request.user, reason=note)
            messages.success(request, _("Withdrawn. Posts already published stay on their pages."))
        elif action == "schedule":
            _schedule(request, story)
        elif action == "retry":
            failed = selectors.publication_list(for_user=request.user, story=story, status="failed")
            done = publications.publication_retry(publications=list(failed), by=request.user)
            messages.success(request, _("%(n)s failed publications will be tried again.") % {"n": len(done)})
        elif action == "kit":
            units = [unit_get(code=c, for_user=request.user) for c in request.POST.getlist("units")]
            kits.kit_create(
                story=story,
                units=units,
                caption=request.POST.get("caption", ""),
                link=request.POST.get("link", ""),
                by=request.user,
            )
            messages.success(request, _("The share kit is offered to the chosen units."))
        else:
            raise NotFound()
    except ApplicationError as exc:
        detail = "; ".join(str(v) for v in exc.fields.values())
        messages.error(request, f"{exc.message} {detail}".strip())
    return redirect("publishing:story", pk=story.pk)


def _schedule(request: HttpRequest, story: Any) -> None:
    raw = request.POST.get("at", "")
    try:
        at = dt.datetime.fromisoformat(raw)
        at = timezone.make_aware(at) if timezone.is_naive(at) else at
    except ValueError:
        raise ValidationError(fields={"at": _("Choose the date and time of publication.")}) from None
    ids = []
    for raw_id in request.POST.getlist("pages"):
        if not raw_id.isdigit():
            raise ValidationError(fields={"page_ids": _("Choose at least one page.")})
        ids.append(int(raw_id))
    pages = [page_get(pk=pk, for_user=request.user, verb="edit") for pk in ids]
    created = publications.publication_schedule(story=story, pages=pages, at=at, by=request.user)
    messages.success(request, _("Scheduled to %(n)s pages.") % {"n": len(created)})


@login_required
@require_POST
def publication_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    publication = selectors.publication_get(pk=pk, for_user=request.user, verb="edit")
    try:
        if action == "posted":
            publications.publication_mark_posted(
                publication=publication, post_url=request.POST.get("post_url", ""), by=request.user
            )
            messages.success(request, _("Marked as posted."))
        elif action == "retry":
            publications.publication_retry(publications=[publication], by=request.user)
            messages.success(request, _("It will be tried again."))
        elif action == "move":
            day = _parse_day(request.POST.get("day", ""))
            if day is None:
                raise ValidationError(fields={"day": _("Choose a date.")})
            local = timezone.localtime(publication.due_at)
            at = timezone.make_aware(dt.datetime.combine(day, local.time().replace(tzinfo=None)))
            publications.publication_move(publication=publication, at=at, by=request.user)
            messages.success(request, _("Moved to %(day)s.") % {"day": day.strftime("%d/%m/%Y")})
        else:
            raise NotFound()
    except ApplicationError as exc:
        detail = "; ".join(str(v) for v in exc.fields.values())
        messages.error(request, f"{exc.message} {detail}".strip())
    back = request.POST.get("next", "")
    if back.startswith("/publishing/") and "//" not in back:
        return redirect(back)
    return redirect("publishing:story", pk=publication.story_id)


@login_required
def publish_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The text and images of a publication as a ZIP, to post by hand on a page without API access."""
    publication = selectors.publication_get(pk=pk, for_user=request.user)
    story = publication.story
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("noi-dung.txt", selectors.post_text(story, publication.platform) + "\n")
        for number, image in enumerate(story.images.all(), start=1):
            with image.file.open("rb") as handle:
                pack.writestr(f"anh-{number:02d}.jpg", handle.read())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="tin-bai-{story.pk}-trang-{publication.page_id}.zip"'
    )
    return response


def _chosen(request: HttpRequest) -> Unit:
    code = request.GET.get("unit", "").strip()
    if code:
        return unit_get(code=code, for_user=request.user)
    tops = permissions.top_units(request.user)
    if not tops:
        raise NotFound()
    return tops[0]


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    under = _chosen(request)
    view = "week" if request.GET.get("view") == "week" else "month"
    anchor = _parse_day(request.GET.get("day", "")) or timezone.localdate()
    if view == "week":
        start = anchor - dt.timedelta(days=anchor.weekday())
        end = start + dt.timedelta(days=6)
        first, last = start, end
        previous, following = start - dt.timedelta(days=7), start + dt.timedelta(days=7)
    else:
        start, end, first, last = cal.month_days(anchor.year, anchor.month)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = last + dt.timedelta(days=1)
    days = cal.calendar(for_user=request.user, under=under, start=start, end=end, first=first, last=last)
    in_range = [d for d in days if d.in_range]
    return render(
        request,
        "publishing/calendar.html",
        {
            "days": days,
            "view": view,
            "under": under,
            "units": unit_options(request.user),
            "first": first,
            "last": last,
            "previous": previous,
            "following": following,
            "total": sum(len(d.items) for d in in_range),
            "empty_days": sum(1 for d in in_range if d.empty),
            "conflict_days": sum(1 for d in in_range if d.conflicts),
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            "here": request.get_full_path(),
            "can_edit": permissions.can(request.user, "edit", under),
        },
    )


@login_required
def kit_list(request: HttpRequest) -> HttpResponse:
    kits_shown = page_of(request, selectors.kit_list(for_user=request.user), KITS_PAGE)
    rows = [
        {
            "kit": kit,
            "counts": selectors.kit_counts_by_unit(kit=kit, for_user=request.user),
            "links": list(kit.links.select_related("unit").order_by("unit__path")),
        }
        for kit in kits_shown
    ]
    return render(request, "publishing/kits.html", {"rows": rows, "kits": kits_shown})


def kit_page(request: HttpRequest, token: str) -> HttpResponse:
    """The member's page (no sign-in, no name asked): caption, images, link; counted per unit."""
    link = selectors.kit_link_by_token(token)
    kits.kit_record(link=link, event="view")
    kit = link.kit
    return render(
        request,
        "publishing/kit_page.html",
        {"kit": kit, "story": kit.story, "unit": link.unit, "token": token, "images": kit.story.images.all()},
    )


@require_POST
def kit_share(request: HttpRequest, token: str) -> HttpResponse:
    """A press of the share button, counted for the unit only."""
    link = selectors.kit_link_by_token(token)
    kits.kit_record(link=link, event="share")
    return JsonResponse({"ok": True})
