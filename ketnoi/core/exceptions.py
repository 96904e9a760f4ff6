"""Domain errors. Services raise these; one handler turns them into one JSON shape.

{"error": {"code": "...", "message": "<translated>", "fields": {...}}}
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status = 400
    code = "invalid"
    default_message: Any = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, fields: dict[str, Any] | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        if code:
            self.code = code
        self.unit: Any = None  # the unit the refused action was on, when the gate knows it
        super().__init__(str(self.message))


class ValidationError(ApplicationError):
    status = 422
    code = "validation_error"
    default_message = _("Some values are not valid.")


class PermissionDenied(ApplicationError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this for this unit.")


class NotAuthenticated(ApplicationError):
    status = 401
    code = "not_authenticated"
    default_message = _("Please log in or send a valid API token.")


class NotFound(ApplicationError):
    status = 404
    code = "not_found"
    default_message = _("Not found, or not visible to you.")


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
    default_message = _("This conflicts with an existing record.")


class RateLimited(ApplicationError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many requests. Please wait a moment and try again.")
