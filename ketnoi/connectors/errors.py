"""What can go wrong when a platform is asked for a page's figures, in a few kinds a person can act on.

Every client turns its platform's error shapes into one of these; the scheduler decides from the kind
whether to retry later (rate limits, quota, transient faults) or stop and warn (token expired or invalid).
``code`` is stored on the run and the credential; ``message()`` is the localised sentence shown in the UI.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Any] = {
    "token_expired": _(
        "The access token has expired or was revoked. Enter a new token for this page; "
        "pulling is paused until then."
    ),
    "refresh_rejected": _(
        "The platform refused the refresh token (it may have been used already or be older than "
        "three months). "
        "Connect the account again and enter a new token pair."
    ),
    "rate_limited": _("The platform asked us to slow down. The pull will be retried automatically later."),
    "quota_exhausted": _(
        "Today's YouTube API quota is used up. Pulls resume after the quota resets (midnight Pacific time)."
    ),
    "not_found": _("The platform does not know this page or channel id. Check the platform id of the page."),
    "permission_missing": _(
        "The token does not have the permission needed to read this page's figures. "
        "Create a token with read access."
    ),
    "platform_error": _("The platform answered with an error. The pull will be retried later."),
    "network_error": _(
        "The platform could not be reached (network or time-out). The pull will be retried later."
    ),
    "not_supported": _(
        "This kind of page cannot be pulled automatically; enter its figures by hand or import them."
    ),
    "no_credential": _("No access token has been entered for this page (or it was removed during the pull)."),
    "demo_credential": _(
        "This is a demo connection with a made-up token: it is never sent to a real platform. Pulls run "
        "only against a fake platform server on this computer (the KETNOI_*_URL settings pointing to it)."
    ),
    "unreadable": _(
        "The stored token can no longer be decrypted (the encryption key changed). Enter the token again."
    ),
}


def message_for(code: str) -> str:
    return str(MESSAGES.get(code, MESSAGES["platform_error"]))


class ConnectorError(Exception):
    """A failed call. ``detail`` is the platform's own words (for administrators), never a token."""

    code = "platform_error"
    retryable = True
    default_retry_seconds = 30 * 60

    def __init__(
        self,
        detail: str = "",
        *,
        platform_code: str | int | None = None,
        http_status: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.detail = detail[:500]
        self.platform_code = platform_code
        self.http_status = http_status
        self.retry_after = retry_after
        super().__init__(f"{self.code}: {self.detail}")

    def message(self) -> str:
        return message_for(self.code)

    @property
    def retry_seconds(self) -> int:
        return self.retry_after if self.retry_after is not None else self.default_retry_seconds

    def technical(self) -> str:
        """One line for the run log: platform code, HTTP status and the platform's message."""
        parts = []
        if self.http_status:
            parts.append(f"HTTP {self.http_status}")
        if self.platform_code is not None:
            parts.append(f"code {self.platform_code}")
        if self.detail:
            parts.append(self.detail)
        return " · ".join(parts)


class TokenExpired(ConnectorError):
    code = "token_expired"
    retryable = False


class RefreshRejected(TokenExpired):
    code = "refresh_rejected"


class RateLimited(ConnectorError):
    code = "rate_limited"
    default_retry_seconds = 15 * 60


class QuotaExhausted(RateLimited):
    code = "quota_exhausted"


class NotFound(ConnectorError):
    code = "not_found"
    retryable = False


class PermissionMissing(ConnectorError):
    code = "permission_missing"
    retryable = False


class PlatformError(ConnectorError):
    code = "platform_error"


class NetworkError(ConnectorError):
    code = "network_error"
    default_retry_seconds = 10 * 60


class NotSupported(ConnectorError):
    code = "not_supported"
    retryable = False
