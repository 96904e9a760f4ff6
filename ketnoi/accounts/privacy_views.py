"""A staff member's personal data from the person's page: export (JSON) and erase (pseudonymise)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ketnoi.accounts import selectors
from ketnoi.accounts.personal_data import personal_data_erase, personal_data_export
from ketnoi.core.exceptions import ApplicationError


@login_required
@require_GET
def personal_data_download(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.user_get(pk=user_id, for_user=request.user)
    document = personal_data_export(person=person, by=request.user)
    body = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{person.pk}.json"'
    return response


@login_required
@require_POST
def personal_data_remove(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.user_get(pk=user_id, for_user=request.user)
    if request.POST.get("confirm") != person.username:
        messages.error(request, _("Type the user name to confirm the erasure."))
        return redirect("accounts:person_detail", person.pk)
    try:
        personal_data_erase(person=person, by=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The person's personal data is erased."))
    return redirect("accounts:person_detail", person.pk)
