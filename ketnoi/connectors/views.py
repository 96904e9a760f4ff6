"""A page's connection panel (server-rendered, htmx): status, last run and error, pull now, token form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ketnoi.connectors import selectors, services
from ketnoi.connectors.forms import CredentialForm
from ketnoi.connectors.tasks import connectors_pull
from ketnoi.core.exceptions import ApplicationError, ValidationError
from ketnoi.core.forms import add_application_error
from ketnoi.core.paging import page_of
from ketnoi.pages.models import Page
from ketnoi.pages.selectors import page_get

OVERVIEW_PAGE = 100  # connections a page on the overview


def _panel(
    request: HttpRequest, page: Page, form: CredentialForm | None = None, status: int = 200
) -> HttpResponse:
    connection = selectors.connection_get(page=page, for_user=request.user)
    try:
        page_url = reverse("pages:detail", args=[page.pk])
    except NoReverseMatch:
        page_url = ""
    context: dict[str, Any] = {
        "page": page,
        "page_url": page_url,
        "c": connection,
        "form": form or CredentialForm(platform=page.platform),
    }
    template = "connectors/_panel.html" if request.htmx else "connectors/connection.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


def _done(request: HttpRequest, page: Page) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _panel(request, page)
    return HttpResponseRedirect(reverse("connectors:connection", args=[page.pk]))


@login_required
@require_GET
def connection(request: HttpRequest, page_id: int) -> HttpResponse:
    """The page's connection (full page, or the panel alone for an htmx request from the page detail)."""
    page = page_get(pk=page_id, for_user=request.user, verb="view")
    return _panel(request, page)


@login_required
@require_POST
def credential_save(request: HttpRequest, page_id: int) -> HttpResponse:
    page = page_get(pk=page_id, for_user=request.user, verb="edit")
    form = CredentialForm(request.POST, platform=page.platform)
    if not form.is_valid():
        return _panel(request, page, form, status=422)
    try:
        services.credential_set(
            page=page,
            access_token=form.cleaned_data["access_token"],
            expires_at=form.cleaned_data["expires_at"],
            refresh_token=form.cleaned_data.get("refresh_token", ""),
            app_id=form.cleaned_data.get("app_id", ""),
            app_secret=form.cleaned_data.get("app_secret", ""),
            by=request.user,
        )
    except ValidationError as exc:
        add_application_error(form, exc)
        return _panel(request, page, form, status=422)
    messages.success(request, _("The token was saved. The page's figures will be pulled shortly."))
    return _done(request, page)


@login_required
@require_POST
def disconnect(request: HttpRequest, page_id: int) -> HttpResponse:
    page = page_get(pk=page_id, for_user=request.user, verb="edit")
    services.credential_delete(page=page, by=request.user)
    messages.success(request, _("The page was disconnected and its tokens deleted."))
    return _done(request, page)


@login_required
@require_POST
def pull_now(request: HttpRequest, page_id: int) -> HttpResponse:
    page = page_get(pk=page_id, for_user=request.user, verb="edit")
    try:
        run = services.pull_enqueue(page=page, by=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return _done(request, page)
    connectors_pull(run.pk)
    run.refresh_from_db()
    if run.status == "succeeded":
        messages.success(request, _("The figures were pulled."))
    elif run.status in ("queued", "running"):
        messages.info(request, _("The pull has been queued."))
    else:
        messages.error(request, run.error_message)
    return _done(request, page)


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """The person's own connection notices; POST marks them read."""
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("notice") if i.isdigit()]
        services.notice_mark_read(user=request.user, ids=ids or None)
        return HttpResponseRedirect(reverse("connectors:notices"))
    return render(
        request,
        "connectors/notices.html",
        {"notices": page_of(request, selectors.notice_list(for_user=request.user))},
    )


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Every connection in the person's scope, problems first: which tokens expired, fail or expire soon."""
    from django.utils import timezone

    from ketnoi.connectors.models import CredentialStatus
    from ketnoi.connectors.schedule import warn_ahead

    horizon = timezone.now() + warn_ahead()
    status = request.GET.get("status", "")
    if status not in CredentialStatus.values and status != "expiring":
        status = ""
    qs = selectors.connection_list(
        for_user=request.user,
        status="active" if status == "expiring" else status,
        expiring_before=horizon if status == "expiring" else None,
    )
    page_obj = page_of(request, qs, OVERVIEW_PAGE)
    return render(
        request,
        "connectors/overview.html",
        {
            "rows": page_obj,
            "counts": selectors.connection_counts(for_user=request.user, expiring_before=horizon),
            "status": status,
            "horizon": horizon,
        },
    )
