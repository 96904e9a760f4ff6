"""Stored uploads are served by one view, which asks the owning app whether the caller may see them.

Nothing under MEDIA_ROOT is public: there is no ``/media/`` URL. Each app that stores files registers
a *kind* with a function that returns the file of one object as the caller may see it (through the
app's scoped selector, so 404 when missing and 403 outside the caller's subtree). The view answers
with the right content type, the download name (``Content-Disposition`` with a UTF-8 ``filename*``),
``X-Content-Type-Options: nosniff`` and no caching by shared proxies.

In production the body can be handed to the front web server (setting ``KETNOI_FILE_SENDER``):
``x-accel-redirect`` (nginx: an ``internal`` location ``KETNOI_FILE_ACCEL_PREFIX`` aliased to the
media directory) or ``x-sendfile`` (Apache mod_xsendfile, lighttpd). Django then checks and names the
file, and the web server streams it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from ketnoi.core.exceptions import NotFound
from ketnoi.lib.filetypes import type_of


@dataclass(frozen=True)
class Stored:
    """One stored file as the caller may see it."""

    file: FieldFile
    name: str  # the name the person gave it, for the download


Getter = Callable[[int, Any], Stored]
_KINDS: dict[str, Getter] = {}


def register(kind: str, getter: Getter) -> None:
    """``getter(pk, user)`` returns the file of object ``pk`` or raises NotFound / PermissionDenied."""
    _KINDS[kind] = getter


def url_for(kind: str, pk: int) -> str:
    return reverse("core:file", kwargs={"kind": kind, "pk": pk})


def describe(kind: str, pk: int, name: str, size: int) -> dict[str, Any]:
    """What the API lists for a file: name, size in bytes, content type and download URL."""
    return {"name": name, "size": size, "content_type": type_of(name).content_type, "url": url_for(kind, pk)}


def response_for(stored: Stored) -> HttpResponse | FileResponse:
    kind = type_of(stored.name)
    sender = settings.KETNOI_FILE_SENDER
    response: HttpResponse | FileResponse
    if sender == "x-accel-redirect":
        response = HttpResponse(content_type=kind.content_type)
        response["X-Accel-Redirect"] = (
            settings.KETNOI_FILE_ACCEL_PREFIX.rstrip("/") + "/" + quote(stored.file.name or "")
        )
    elif sender == "x-sendfile":
        response = HttpResponse(content_type=kind.content_type)
        response["X-Sendfile"] = stored.file.path
    else:
        try:
            handle = stored.file.open("rb")
        except FileNotFoundError as exc:
            raise NotFound() from exc
        response = FileResponse(handle, content_type=kind.content_type)
    response["Content-Disposition"] = content_disposition_header(not kind.inline, stored.name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def serve(request: HttpRequest, kind: str, pk: int) -> HttpResponse | FileResponse:
    getter = _KINDS.get(kind)
    if getter is None:
        raise NotFound()
    stored = getter(pk, request.user)
    if not stored.file:
        raise NotFound()
    return response_for(stored)
