"""The REST API under /api/v1/: one NinjaAPI, routers from every app, one error shape.

{"error": {"code": "...", "message": "<in the caller's language>", "fields": {...}}}
"""

from __future__ import annotations

import typing
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel

from ketnoi.accounts.api import router as accounts_router
from ketnoi.accounts.services import api_token_authenticate
from ketnoi.accounts.twofactor import second_factor_pending
from ketnoi.connectors.api import router as connectors_router
from ketnoi.core.audit import refused_access
from ketnoi.core.exceptions import ApplicationError, NotAuthenticated, PermissionDenied
from ketnoi.directives.api import router as directives_router
from ketnoi.documents.api import router as documents_router
from ketnoi.lib import uploads
from ketnoi.lookalike.api import router as lookalike_router
from ketnoi.pages.api import router as pages_router
from ketnoi.publishing.api import router as publishing_router
from ketnoi.reporting.api import router as reporting_router
from ketnoi.units.api import router as units_router


class BearerToken(HttpBearer):
    """A personal API token: ``Authorization: Bearer <token>``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token=token)
        if user is None:
            return None
        request.user = user
        translation.activate(user.language or "vi")
        request.LANGUAGE_CODE = translation.get_language()
        return user


class SessionCookie(APIKeyCookie):
    """The browser's login session (with CSRF protection for writes)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if second_factor_pending(user):
            # The same rule as the web: until the second factor is passed, nothing but enrolment.
            raise NotAuthenticated(_("Finish two-factor login on the web first, then call the API again."))
        return user


class GuardedParser(Parser):
    """JSON bodies through the upload guard: a body nested 100.000 deep is a 422, not a stack overflow."""

    def parse_body(self, request: HttpRequest) -> Any:
        return uploads.loads_json(request.body, name=_("The body"))


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "stable code, e.g. validation_error, not_found"},
                "message": {"type": "string", "description": "in the caller's language"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "what is wrong with each field, file line or cell",
                },
            },
        }
    },
}
# What each error status means; every operation documents those it can answer (see KetNoiAPI).
ERRORS: dict[int, str] = {
    400: "The body is not valid JSON.",
    401: "Not logged in, or the token is missing, expired or revoked.",
    403: "Not allowed for this unit (outside the caller's subtree, or a right the caller lacks).",
    404: "Not found, or not visible to the caller.",
    409: "Conflicts with the current state (a duplicate, a locked report...).",
    413: "An upload or body over its limit (size, unpacked size, rows, columns, line length).",
    422: "Some values are not valid: `fields` says which and why.",
    429: "Too many requests: wait and try again.",
}


def _forbid_extra(model: Any, seen: set[Any]) -> None:
    """``model`` and every model in its fields refuse a field they do not declare."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for inner in (field.annotation, *typing.get_args(field.annotation)):
            _forbid_extra(inner, seen)
    if model.model_config.get("extra") != "forbid":
        model.model_config["extra"] = "forbid"
        model.model_rebuild(force=True)


def forbid_unknown_fields(api: NinjaAPI) -> list[str]:
    """Every request body of every operation refuses fields it does not declare (a 422 naming them).

    A body that says ``"unit_code"``, ``"role"``, ``"status"`` or ``"url"`` where the operation takes no
    such field would otherwise be silently dropped, and the caller would believe it applied. Run once,
    when the URLs are built, so every router mounted, now or later, is covered. Returns the models.
    """
    seen: set[Any] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for params in operation.models:
                    if getattr(params, "__ninja_param_source__", None) in ("body", "form"):
                        for field in params.model_fields.values():
                            for inner in (field.annotation, *typing.get_args(field.annotation)):
                                _forbid_extra(inner, seen)
                        params.model_rebuild(force=True)
    return sorted(m.__name__ for m in seen)


class KetNoiAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document also describes the error answers of every operation, and whose
    request bodies refuse undeclared fields."""

    @property
    def urls(self) -> Any:
        forbid_unknown_fields(self)
        return super().urls

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for item in document.get("paths", {}).values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                statuses = [401, 403, 404, 409, 422, 429]
                if "requestBody" in operation:
                    statuses += [400, 413]
                for status in sorted(statuses):
                    responses.setdefault(
                        status,
                        {
                            "description": ERRORS[status],
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                            },
                        },
                    )
        return document


api = KetNoiAPI(
    title="Kết Nối API",
    version="1",
    description="REST API of Kết Nối. Authenticate with `POST /api/v1/auth/token`, then send "
    "`Authorization: Bearer <token>`.",
    auth=[BearerToken(), SessionCookie(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
    parser=GuardedParser(),
)


def error_response(
    request: HttpRequest, status: int, code: str, message: Any, fields: dict[str, Any] | None = None
) -> HttpResponse:
    return api.create_response(
        request,
        {
            "error": {
                "code": code,
                "message": str(message),
                "fields": {k: str(v) for k, v in (fields or {}).items()},
            }
        },
        status=status,
    )


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    if isinstance(exc, PermissionDenied):
        refused_access(request, exc)
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        if err.get("type") == "extra_forbidden":
            fields[".".join(loc)] = _("This field cannot be set here.")
        else:
            fields[".".join(loc) or "request"] = _field_message(err)
    return error_response(request, 422, "validation_error", _("Some values are not valid."), fields)


def _field_message(err: dict[str, Any]) -> str:
    """pydantic's message for a field, in the caller's language ("Field required" never reaches a Vietnamese
    reader); an unknown kind of error gets a plain "not valid"."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("Required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return _("Enter a number.")
    if kind in ("string_too_long", "too_long") and "max_length" in ctx:
        return _("At most %(n)s characters.") % {"n": ctx["max_length"]}
    if kind in ("string_too_short", "too_short"):
        return _("Too short.")
    if kind in ("greater_than_equal", "greater_than") and ctx:
        return _("At least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than") and ctx:
        return _("At most %(n)s.") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind.startswith(("date_", "datetime_")):
        return _("Enter a date as yyyy-mm-dd.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind in ("literal_error", "enum"):
        return _("Not one of the allowed values.")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("Wrong kind of value.")
    return _("Not a valid value.")


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "not_authenticated", _("Please log in or send a valid API token."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found, or not visible to you."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, ApplicationError):  # raised while the body was parsed (GuardedParser)
        return _application_error(request, cause)
    if isinstance(cause, ValueError):  # ninja could not parse the body: say so in the caller's language
        return error_response(
            request, 400, "bad_request", _("The body is not valid JSON."), {"body": _("Not JSON.")}
        )
    return error_response(request, exc.status_code, "error", exc.message)


# Every app's router, mounted here (pages at /pages, reporting and directives at the root so that they can
# define /dataValueSets, /analytics, /forms, /completeness, /documents, /tasks, /search).
api.add_router("", accounts_router)
api.add_router("/units", units_router)
api.add_router("/pages", pages_router)
api.add_router("/pages", connectors_router)
api.add_router("", reporting_router)
api.add_router("", directives_router)
api.add_router("", documents_router)
api.add_router("", publishing_router)
api.add_router("", lookalike_router)
