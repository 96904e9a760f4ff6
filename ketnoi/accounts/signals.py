"""Security events for logins, whichever path they take (the login page, the API's token exchange)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from ketnoi.core.audit import security_event


def update_last_login(sender: Any, user: Any, **kwargs: Any) -> None:
    """The time of the login on the account, written as one column: ``user.save`` would add a history row
    (the account's change record) at every login, and the login itself is already a security event."""
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


@receiver(user_logged_in, dispatch_uid="ketnoi.security.login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_event("login", user, user.unit, request)


@receiver(user_login_failed, dispatch_uid="ketnoi.security.login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from ketnoi.accounts.models import User

    typed = str(credentials.get("username") or "")
    person = User.objects.filter(username__iexact=typed).select_related("unit").first() if typed else None
    security_event(
        "login_failed",
        person,
        person.unit if person is not None else None,
        request,
        username=typed if person is None else "",
    )
