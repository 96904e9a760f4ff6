"""The DHIS2-compatible mount: DHIS2's own paths under ``/api/`` and ``/api/{version}/`` (``/api/40/...``), so
tools written for DHIS2 can talk to Kết Nối unchanged (README, "DHIS2 tools").

    GET  /api/system/info, /api/me
    GET  /api/organisationUnits[/{id}], /api/dataElements[/{id}], /api/dataSets[/{id}]
         (paged: page, pageSize, paging=false; level= for units)
    POST /api/organisationUnits, /api/dataElements, /api/dataSets; PUT .../{id}   (create, update by code)
    GET  /api/metadata; POST /api/metadata[?dryRun=true|importMode=VALIDATE]
    GET  /api/dataValueSets[.csv|.xml|.adx]; POST /api/dataValueSets (JSON, CSV, DXF2 XML, ADX)
    GET  /api/analytics?dimension=dx:..&dimension=ou:..&dimension=pe:..&filter=..

Ids are codes. Authentication: HTTP Basic (through django-axes: repeated failures lock the account out like
the login page), DHIS2 personal access tokens (``Authorization: ApiToken <token>``, the product's API
tokens) and ``Authorization: Bearer <token>``; each caller sees and changes exactly what the user may. A user
whose role requires a second factor cannot use Basic (no second factor travels with it): they are told to use
a token.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader

from ketnoi.accounts.services import api_token_authenticate
from ketnoi.accounts.twofactor import two_factor_required
from ketnoi.core import permissions
from ketnoi.core.exceptions import ApplicationError, NotAuthenticated, NotFound, RateLimited
from ketnoi.lib import uploads
from ketnoi.reporting import api as reporting_api
from ketnoi.reporting import dhis2_analytics, dhis2_meta, selectors
from ketnoi.reporting.models import Indicator, ReportForm
from ketnoi.site import api as v1
from ketnoi.units import selectors as unit_selectors

DHIS2_VERSION = "2.40.0"


class Dhis2Auth(APIKeyHeader):
    """``Authorization: Basic ...`` (through django-axes), ``ApiToken ...`` or ``Bearer ...``."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        scheme, _sep, credentials = (key or "").strip().partition(" ")
        scheme = scheme.lower()
        if scheme in ("apitoken", "bearer"):
            user = api_token_authenticate(token=credentials.strip())
        elif scheme == "basic":
            user = _basic(request, credentials.strip())
        else:
            return None
        if user is None:
            return None
        request.user = user
        translation.activate(user.language or "vi")
        request.LANGUAGE_CODE = translation.get_language()
        return user


def _basic(request: HttpRequest, credentials: str) -> Any:
    try:
        username, _sep, password = base64.b64decode(credentials, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    try:
        user = authenticate(request, username=username, password=password)
    except AxesBackendPermissionDenied:
        raise RateLimited(_("Too many failed logins: this account is locked for a while.")) from None
    if user is None:
        return None
    if two_factor_required(user):
        raise NotAuthenticated(
            _(
                "This account must log in with a second factor, which HTTP Basic cannot carry: create a "
                "personal access token on the web and send “Authorization: ApiToken <token>”."
            )
        )
    return user


api = NinjaAPI(
    title="Kết Nối — DHIS2-compatible API",
    version="dhis2",
    description="DHIS2's Web API paths (README, “DHIS2 tools”).",
    auth=[Dhis2Auth()],
    urls_namespace="dhis2",
    docs_url=None,
    openapi_url="/openapi.json",
    parser=v1.GuardedParser(),
)
api.add_exception_handler(ApplicationError, v1._application_error)  # type: ignore[arg-type]
api.add_exception_handler(NinjaValidationError, v1._validation_error)  # type: ignore[arg-type]
api.add_exception_handler(HttpError, v1._http_error)  # type: ignore[arg-type]


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> Any:
    response = v1.error_response(
        request, 401, "not_authenticated", _("Send HTTP Basic credentials or a token.")
    )
    response["WWW-Authenticate"] = 'Basic realm="Ket Noi"'
    return response


router = Router(tags=["dhis2"])


def _paged(request: HttpRequest, key: str, items: list[Any], page: int, page_size: int, paging: bool) -> Any:
    total = len(items)
    if not paging:
        return {key: items}
    size = max(1, min(page_size, 1000))
    count = max(1, math.ceil(total / size))
    page = max(1, min(page, count))
    return {
        "pager": {"page": page, "pageCount": count, "total": total, "pageSize": size},
        key: items[(page - 1) * size : page * size],
    }


@router.get("/system/info")
def system_info(request: HttpRequest) -> dict[str, Any]:
    return {
        "version": DHIS2_VERSION,
        "systemName": "Kết Nối",
        "serverDate": timezone.now().isoformat(timespec="seconds"),
        "calendar": "iso8601",
        "dateFormat": "yyyy-mm-dd",
        "contextPath": request.build_absolute_uri("/").rstrip("/"),
    }


@router.get("/me")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    tops = permissions.top_units(user, "view")
    units = [{"id": u.code, "code": u.code, "name": u.name} for u in tops]
    name = getattr(user, "get_full_name", lambda: "")() or user.get_username()
    return {
        "id": user.get_username(),
        "username": user.get_username(),
        "name": name,
        "displayName": name,
        "organisationUnits": units,
        "dataViewOrganisationUnits": units,
        "userRoles": [{"id": r, "name": r} for r in sorted(permissions.roles_of(user))],
        "authorities": [],
    }


def _listing(
    request: HttpRequest, key: str, items: list[Any], page: int, pageSize: int, paging: str
) -> dict[str, Any]:
    result: dict[str, Any] = _paged(request, key, items, page, pageSize, paging.lower() != "false")
    return result


@router.get("/organisationUnits")
def organisation_units(
    request: HttpRequest, page: int = 1, pageSize: int = 50, paging: str = "true", level: int | None = None
) -> dict[str, Any]:
    units = list(dhis2_meta.org_units(for_user=request.user, level=level))
    parents = unit_selectors.code_parent_map(units)
    items = [dhis2_meta.org_unit_json(u, parents) for u in units]
    return _listing(request, "organisationUnits", items, page, pageSize, paging)


@router.get("/organisationUnits/{uid}")
def organisation_unit(request: HttpRequest, uid: str) -> dict[str, Any]:
    return dhis2_meta.org_unit_json(unit_selectors.unit_get(code=uid, for_user=request.user))


@router.get("/dataElements")
def data_elements(
    request: HttpRequest, page: int = 1, pageSize: int = 50, paging: str = "true"
) -> dict[str, Any]:
    items = [dhis2_meta.data_element_json(i) for i in selectors.indicator_list(for_user=request.user)]
    return _listing(request, "dataElements", items, page, pageSize, paging)


@router.get("/dataElements/{uid}")
def data_element(request: HttpRequest, uid: str) -> dict[str, Any]:
    found = [i for i in selectors.indicator_list(for_user=request.user) if i.code == uid]
    if not found:
        raise NotFound()
    return dhis2_meta.data_element_json(found[0])


@router.get("/dataSets")
def data_sets(
    request: HttpRequest, page: int = 1, pageSize: int = 50, paging: str = "true"
) -> dict[str, Any]:
    items = [dhis2_meta.data_set_json(f) for f in selectors.form_list(for_user=request.user)]
    return _listing(request, "dataSets", items, page, pageSize, paging)


@router.get("/dataSets/{uid}")
def data_set(request: HttpRequest, uid: str) -> dict[str, Any]:
    return dhis2_meta.data_set_json(selectors.form_get(code=uid, for_user=request.user))


def _one(request: HttpRequest, key: str, uid: str | None) -> dict[str, Any]:
    body = uploads.loads_json(request.body or b"{}", name=key)
    if isinstance(body, dict) and uid:
        body.setdefault("code", uid)
    result: dict[str, Any] = dhis2_meta.metadata_import(payload={key: [body]}, by=request.user)
    return result


for _key in ("organisationUnits", "dataElements", "dataSets"):

    def _create(request: HttpRequest, key: str = _key) -> dict[str, Any]:
        return _one(request, key, None)

    def _update(request: HttpRequest, uid: str, key: str = _key) -> dict[str, Any]:
        model = {"organisationUnits": None, "dataElements": Indicator, "dataSets": ReportForm}[key]
        if model is not None and not model.objects.filter(code=uid).exists():
            raise NotFound()
        return _one(request, key, uid)

    router.add_api_operation(f"/{_key}", ["POST"], _create, summary=f"Create one of {_key} (by code)")
    router.add_api_operation(f"/{_key}/{{uid}}", ["PUT"], _update, summary=f"Update one of {_key} (by code)")


@router.get("/metadata")
def metadata_export(request: HttpRequest) -> dict[str, Any]:
    return dhis2_meta.metadata_export(for_user=request.user)


@router.post("/metadata")
def metadata_import(request: HttpRequest, dryRun: bool = False, importMode: str = "COMMIT") -> dict[str, Any]:
    payload = uploads.loads_json(request.body or b"{}", name="metadata")
    dry = dryRun or importMode.upper() == "VALIDATE"
    return dhis2_meta.metadata_import(payload=payload, by=request.user, dry_run=dry)


@router.get("/dataValueSets")
def data_value_sets(
    request: HttpRequest,
    orgUnit: str | None = None,
    dataSet: str | None = None,
    period: str | None = None,
    startDate: dt.date | None = None,
    endDate: dt.date | None = None,
    children: bool = True,
    dataElement: str | None = None,
) -> Any:
    return reporting_api.data_value_sets_export(
        request, orgUnit, dataSet, period, startDate, endDate, children, dataElement
    )


for _suffix, _view in (
    (".csv", reporting_api.data_value_sets_export_csv),
    (".xml", reporting_api.data_value_sets_export_xml),
    (".adx", reporting_api.data_value_sets_export_adx),
):
    router.add_api_operation(f"/dataValueSets{_suffix}", ["GET"], _view)


@router.post(
    "/dataValueSets", response={200: reporting_api.ImportSummaryOut, 409: reporting_api.ImportSummaryOut}
)
def data_value_sets_import(request: HttpRequest, options: Query[reporting_api.ImportOptions]) -> Any:
    return reporting_api.data_value_sets_import(request, options)


@router.get("/analytics")
def analytics(request: HttpRequest) -> dict[str, Any]:
    """``dimension`` and ``filter`` repeat (``dimension=dx:A;B&dimension=ou:BP&dimension=pe:THIS_YEAR``)."""
    return dhis2_analytics.analytics(
        for_user=request.user,
        dimensions=request.GET.getlist("dimension"),
        filters=request.GET.getlist("filter"),
    )


api.add_router("", router)
