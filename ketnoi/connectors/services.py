"""Every change the connectors make: credentials, runs (claim, pull, record), warnings.

A pull never holds a database transaction open across a network call. Its steps:

1. ``pull_enqueue`` writes a *queued* run (one open run per page, by a partial unique constraint);
   the task queue then carries only the run's id.
2. ``pull_execute`` claims the run with ``UPDATE ... SET status='running' WHERE id=? AND status='queued'``:
   a second worker (or a redelivered message) finds nothing to claim and stops.
3. Zalo: when the access token is close to expiry, the one-time refresh token is exchanged and the new
   pair is committed (``atomic(durable=True)``) before the new access token is used.
4. The platform is asked; the figures go to ``pages.services.metrics_record`` (an upsert per page and day,
   so a run repeated after a crash writes nothing twice), and the run is finished with a conditional UPDATE.
5. Rate limits push the page's next pull to when the platform allows it; an expired token marks the
   credential, stops pulling the page and warns its administrators.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ketnoi.connectors.clients.base import Figures
from ketnoi.connectors.clients.facebook import FacebookClient
from ketnoi.connectors.clients.youtube import YouTubeClient
from ketnoi.connectors.clients.zalo import ZaloClient
from ketnoi.connectors.crypto import UnreadableSecret, decrypt, encrypt, last4
from ketnoi.connectors.errors import (
    ConnectorError,
    NotSupported,
    PlatformError,
    QuotaExhausted,
    RateLimited,
    TokenExpired,
    message_for,
)
from ketnoi.connectors.models import (
    OPEN_STATUSES,
    ConnectorNotice,
    ConnectorRun,
    CredentialStatus,
    NoticeKind,
    PageCredential,
    PlatformPause,
    RunStatus,
    RunTrigger,
)
from ketnoi.connectors.platforms import PULLED_PLATFORMS, may_pull, platform_is_local, unsupported_reason
from ketnoi.connectors.schedule import (
    DbQuota,
    next_pacific_midnight,
    pull_interval,
    warn_ahead,
    youtube_budget,
)
from ketnoi.core import permissions
from ketnoi.core.audit import security_event, stamp
from ketnoi.core.exceptions import ApplicationError, Conflict, ValidationError
from ketnoi.pages.models import Page, PageRole, Platform

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

logger = logging.getLogger("ketnoi.connectors")

ZALO_REFRESH_DAYS = 90  # a Zalo refresh token is valid for three months
ZALO_REFRESH_AHEAD = dt.timedelta(hours=1)  # refresh the access token when less than this is left
STALE_RUN = dt.timedelta(minutes=15)  # a running run older than this was lost with its worker
LOST_QUEUED_RUN = dt.timedelta(hours=1)  # a queued run older than this lost its queue message


# --- credentials ---------------------------------------------------------------------------------


def _clean_secret(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > 4096:
        raise ValidationError(
            _("%(label)s is too long.") % {"label": label}, fields={field: _("At most 4096 characters.")}
        )
    if any(ch.isspace() for ch in value):
        raise ValidationError(
            _("%(label)s must not contain spaces or line breaks.") % {"label": label},
            fields={field: _("Remove the spaces.")},
        )
    if not (value.isascii() and value.isprintable()):
        # Platforms issue tokens of Latin letters, digits and punctuation; anything else cannot be sent in
        # an HTTP header and would only fail at the first pull.
        raise ValidationError(
            _("%(label)s may contain only Latin letters without accents, digits and punctuation.")
            % {"label": label},
            fields={field: _("Copy the token again from the platform.")},
        )
    return value


@permissions.gated
@transaction.atomic
def credential_set(
    *,
    page: Page,
    access_token: str,
    expires_at: dt.datetime | None,
    by: Actor,
    refresh_token: str = "",
    app_id: str = "",
    app_secret: str = "",
    demo: bool = False,
) -> PageCredential:
    """Store the page's token (write-only). Only someone who may edit the page's unit may do it.

    ``demo=True`` (the demo loader only) marks a made-up token: it is never sent to a real platform.
    """
    permissions.require(by, "edit", page.unit)
    reason = unsupported_reason(page)
    if reason:
        raise ValidationError(reason, fields={"access_token": reason})
    access_token = _clean_secret(access_token, "access_token", _("The access token"))
    if not access_token:
        raise ValidationError(_("Enter the access token."), fields={"access_token": _("Required.")})
    refresh_token = _clean_secret(refresh_token, "refresh_token", _("The refresh token"))
    app_secret = _clean_secret(app_secret, "app_secret", _("The app secret"))
    app_id = _clean_secret(app_id, "app_id", _("The app id"))
    now = timezone.now()
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        if expires_at <= now:
            raise ValidationError(
                _("The expiry date is in the past: this token can no longer be used."),
                fields={"expires_at": _("In the past.")},
            )
    if refresh_token and page.platform != Platform.ZALO_OA:
        raise ValidationError(
            _("A refresh token is only used for Zalo Official Accounts."),
            fields={"refresh_token": _("Not used for this platform.")},
        )
    credential = PageCredential.objects.select_for_update().filter(page=page).first()
    if page.platform == Platform.ZALO_OA and refresh_token:
        has_secret = bool(app_secret) or bool(credential and credential.app_secret_enc)
        has_app = bool(app_id) or bool(credential and credential.app_id)
        if not (has_secret and has_app):
            raise ValidationError(
                _("To refresh a Zalo token automatically, enter the app id and the app secret key too."),
                fields={"app_id": _("Required with a refresh token."), "app_secret": _("Required.")},
            )
    if credential is None:
        credential = PageCredential(page=page)
    credential.access_token_enc = encrypt(access_token)
    credential.last4 = last4(access_token)
    credential.expires_at = expires_at
    if refresh_token:
        credential.refresh_token_enc = encrypt(refresh_token)
        credential.refresh_expires_at = now + dt.timedelta(days=ZALO_REFRESH_DAYS)
    elif page.platform == Platform.ZALO_OA:
        credential.refresh_token_enc = ""
        credential.refresh_expires_at = None
    if app_id:
        credential.app_id = app_id
    if app_secret:
        credential.app_secret_enc = encrypt(app_secret)
    credential.is_demo = demo
    credential.status = CredentialStatus.ACTIVE
    credential.last_error_code = ""
    credential.last_error_detail = ""
    credential.last_error_at = None
    credential.warned_for = None
    credential.next_pull_at = now
    credential.updated_by = permissions.person(by)
    stamp(credential, by, _("Access token entered"))
    credential.save()
    security_event("credential_changed", by, page.unit, detail={"page": page.pk, "action": "set"})
    return credential


@permissions.gated
@transaction.atomic
def credential_delete(*, page: Page, by: Actor) -> None:
    """Disconnect the page: the stored tokens are deleted."""
    permissions.require(by, "edit", page.unit)
    credential = PageCredential.objects.filter(page=page).first()
    if credential is not None:
        stamp(credential, by, _("Disconnected"))
        credential.delete()
        security_event("credential_changed", by, page.unit, detail={"page": page.pk, "action": "delete"})


def _store_pair(credential: PageCredential, access: str, refresh: str, expires_in: int) -> None:
    """Commit a new Zalo token pair before it is used: the old refresh token is already spent."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        stored = PageCredential.objects.filter(pk=credential.pk).update(
            access_token_enc=encrypt(access),
            refresh_token_enc=encrypt(refresh),
            last4=last4(access),
            expires_at=now + dt.timedelta(seconds=expires_in),
            refresh_expires_at=now + dt.timedelta(days=ZALO_REFRESH_DAYS),
            warned_for=None,
            updated_at=now,
        )
    if not stored:
        raise Disconnected("the connection was removed during the pull")
    credential.refresh_from_db()


# --- runs ----------------------------------------------------------------------------------------


@permissions.gated
def pull_enqueue(*, page: Page, by: Actor, trigger: str = RunTrigger.MANUAL) -> ConnectorRun:
    """A queued run for the page (the caller sends its id to the task queue)."""
    permissions.require(by, "edit", page.unit)
    reason = unsupported_reason(page)
    if reason:
        raise ValidationError(reason)
    credential = PageCredential.objects.filter(page=page).first()
    if credential is None:
        raise ValidationError(message_for("no_credential"), fields={"access_token": _("Required.")})
    if not may_pull(credential):
        raise ValidationError(message_for("demo_credential"))
    try:
        with transaction.atomic():
            return ConnectorRun.objects.create(
                page=page,
                platform=page.platform,
                trigger=trigger,
                requested_by=permissions.person(by),
            )
    except IntegrityError as exc:
        raise Conflict(_("A pull of this page is already queued or running.")) from exc


class Disconnected(Exception):
    """The page's connection was deleted while its pull ran."""


def _claim(run_id: int, worker: str) -> bool:
    return bool(
        ConnectorRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            worker=worker[:100],
        )
    )


def _finish(run: ConnectorRun, status: str, **fields: Any) -> None:
    now = timezone.now()
    ConnectorRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=status, finished_at=now, **fields
    )
    run.refresh_from_db()


def _client_kwargs() -> dict[str, Any]:
    return dict(getattr(settings, "KETNOI_CONNECTOR_HTTP", {}))


def _fetch(page: Page, credential: PageCredential) -> Figures:
    token = decrypt(credential.access_token_enc)
    if page.platform == Platform.FACEBOOK_PAGE:
        fb = FacebookClient(settings.KETNOI_FACEBOOK_GRAPH_URL, **_client_kwargs())
        try:
            return fb.page_figures(page.platform_id, token)
        finally:
            fb.close()
    if page.platform == Platform.YOUTUBE:
        yt = YouTubeClient(
            settings.KETNOI_YOUTUBE_API_URL, DbQuota(Platform.YOUTUBE, youtube_budget()), **_client_kwargs()
        )
        try:
            return yt.channel_figures(page.platform_id, token)
        finally:
            yt.close()
    if page.platform == Platform.ZALO_OA:
        zalo = ZaloClient(settings.KETNOI_ZALO_OA_URL, settings.KETNOI_ZALO_OAUTH_URL, **_client_kwargs())
        try:
            return _zalo_fetch(zalo, credential, token)
        finally:
            zalo.close()
    raise NotSupported(page.platform)


def _zalo_refresh(zalo: ZaloClient, credential: PageCredential) -> str:
    pair = zalo.refresh(
        app_id=credential.app_id,
        secret_key=decrypt(credential.app_secret_enc),
        refresh_token=decrypt(credential.refresh_token_enc),
    )
    _store_pair(credential, pair.access_token, pair.refresh_token, pair.expires_in)
    return pair.access_token


def _zalo_fetch(zalo: ZaloClient, credential: PageCredential, token: str) -> Figures:
    can_refresh = credential.has_refresh_token and credential.app_id and credential.app_secret_enc
    refreshed = False
    if can_refresh and (
        credential.expires_at is None or credential.expires_at - timezone.now() < ZALO_REFRESH_AHEAD
    ):
        token = _zalo_refresh(zalo, credential)
        refreshed = True
    try:
        return zalo.oa_figures(token)
    except TokenExpired:
        if not can_refresh or refreshed:
            raise
        # Revoked or expired earlier than announced: one refresh, then one more try.
        return zalo.oa_figures(_zalo_refresh(zalo, credential))


def _paused_until(platform: str) -> PlatformPause | None:
    return PlatformPause.objects.filter(platform=platform, paused_until__gt=timezone.now()).first()


def pull_execute(run_id: int, *, worker: str = "") -> ConnectorRun | None:
    """Claim the run and pull its page. None when another worker has it (or it is not queued)."""
    worker = worker or f"{socket.gethostname()}:{os.getpid()}"
    if not _claim(run_id, worker):
        return None
    run = ConnectorRun.objects.select_related("page", "page__unit").get(pk=run_id)
    page = run.page
    credential = PageCredential.objects.filter(page=page).first()
    now = timezone.now()
    try:
        reason = unsupported_reason(page)
        if reason:
            raise NotSupported(reason)
        if credential is None:
            _finish(run, RunStatus.FAILED, error_code="no_credential")
            return run
        if not may_pull(credential):
            _finish(run, RunStatus.FAILED, error_code="demo_credential")
            return run
        if credential.status == CredentialStatus.EXPIRED:
            raise TokenExpired(credential.last_error_detail)
        pause = _paused_until(page.platform)
        if pause is not None:
            raise RateLimited(
                pause.detail,
                platform_code=pause.reason,
                retry_after=int((pause.paused_until - now).total_seconds()) + 1,
            )
        figures = _fetch(page, credential)
        values: dict[str, int | None] = {k: v for k, v in figures.values.items() if v is not None}
        if not values:
            raise PlatformError("the platform gave no figures")
    except UnreadableSecret:
        _fail(run, credential, "unreadable", "", status=CredentialStatus.EXPIRED)
        return run
    except Disconnected:
        _finish(run, RunStatus.FAILED, error_code="no_credential")
        return run
    except ConnectorError as exc:
        _handle_error(run, page, credential, exc)
        return run
    except Exception as exc:
        logger.exception("connector run %s of page %s failed", run.pk, page.pk)
        _fail(run, credential, "platform_error", f"{type(exc).__name__}", retry=dt.timedelta(hours=1))
        return run
    from ketnoi.pages.models import MetricSource
    from ketnoi.pages.services import metrics_record

    # The day's snapshot, the run's end and the credential's state are written together.
    try:
        with transaction.atomic():
            if not PageCredential.objects.select_for_update().filter(page=page).exists():
                # Disconnected while the pull ran: the person who removed the token meant no more figures.
                _finish(run, RunStatus.FAILED, error_code="no_credential")
                return run
            snapshot = metrics_record(
                page=page,
                day=timezone.localdate(),
                values=values,
                source=MetricSource.CONNECTOR,
                by=permissions.SYSTEM,
            )
            finished = timezone.now()
            next_pull = finished + pull_interval() + dt.timedelta(seconds=figures.throttle_seconds)
            _finish(
                run,
                RunStatus.SUCCEEDED,
                snapshot=snapshot,
                values=values,
                raw=figures.raw,
                notes=figures.notes,
                error_code="",
                error_detail="",
            )
            if credential is not None:
                PageCredential.objects.filter(pk=credential.pk).update(
                    status=CredentialStatus.ACTIVE,
                    last_success_at=finished,
                    last_error_code="",
                    last_error_detail="",
                    last_error_at=None,
                    next_pull_at=next_pull,
                )
    except ApplicationError as exc:
        # The figures were refused by the pages app (a value out of range, say): nothing was written.
        _fail(run, credential, "platform_error", str(exc.message), retry=pull_interval())
        return run
    if figures.throttle_seconds and page.platform == Platform.FACEBOOK_PAGE:
        logger.info("Graph API usage high; next pull of page %s at %s", page.pk, next_pull)
    return run


def _fail(
    run: ConnectorRun,
    credential: PageCredential | None,
    code: str,
    detail: str,
    *,
    status: str | None = None,
    retry: dt.timedelta | None = None,
    run_status: str = RunStatus.FAILED,
) -> None:
    now = timezone.now()
    retry_at = now + retry if retry is not None else None
    _finish(run, run_status, error_code=code, error_detail=detail[:500], retry_at=retry_at)
    if credential is not None:
        update: dict[str, Any] = {
            "last_error_code": code,
            "last_error_detail": detail[:500],
            "last_error_at": now,
            "next_pull_at": retry_at,
        }
        if status is not None:
            update["status"] = status
        if PageCredential.objects.filter(pk=credential.pk).update(**update):
            credential.refresh_from_db()


def _handle_error(
    run: ConnectorRun, page: Page, credential: PageCredential | None, exc: ConnectorError
) -> None:
    detail = exc.technical()
    if isinstance(exc, TokenExpired):
        _fail(run, credential, exc.code, detail, status=CredentialStatus.EXPIRED)
        if credential is not None:
            notify_admins(page=page, kind=NoticeKind.EXPIRED, code=exc.code)
        return
    if isinstance(exc, RateLimited):
        seconds = exc.retry_seconds
        if isinstance(exc, QuotaExhausted) and exc.retry_after is None:
            seconds = int((next_pacific_midnight() - timezone.now()).total_seconds())
        if page.platform == Platform.FACEBOOK_PAGE and exc.platform_code in (4, 17):
            # An app-level limit holds every Facebook page, not only this one.
            PlatformPause.objects.update_or_create(
                platform=page.platform,
                defaults={
                    "paused_until": timezone.now() + dt.timedelta(seconds=seconds),
                    "reason": str(exc.platform_code),
                    "detail": exc.detail,
                },
            )
        _fail(
            run,
            credential,
            exc.code,
            detail,
            retry=dt.timedelta(seconds=seconds),
            run_status=RunStatus.RATE_LIMITED,
        )
        return
    if exc.retryable:
        _fail(run, credential, exc.code, detail, retry=dt.timedelta(seconds=exc.retry_seconds))
        return
    # Not found, missing permission, not supported: try again tomorrow, and tell the administrators.
    _fail(run, credential, exc.code, detail, status=CredentialStatus.FAILING, retry=pull_interval())
    if credential is not None:
        notify_admins(page=page, kind=NoticeKind.FAILING, code=exc.code)


def _reset_lost_runs(now: dt.datetime) -> list[int]:
    """Runs whose worker died go back to the queue; queued runs whose message was lost are sent again."""
    stale = list(
        ConnectorRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=now - STALE_RUN).values_list(
            "pk", flat=True
        )
    )
    requeued = [
        pk
        for pk in stale
        if ConnectorRun.objects.filter(pk=pk, status=RunStatus.RUNNING).update(status=RunStatus.QUEUED)
    ]
    lost = ConnectorRun.objects.filter(
        status=RunStatus.QUEUED, queued_at__lt=now - LOST_QUEUED_RUN
    ).values_list("pk", flat=True)
    return requeued + [pk for pk in lost if pk not in requeued]


def due_credentials(now: dt.datetime | None = None) -> QuerySet[PageCredential]:
    now = now or timezone.now()
    paused = list(PlatformPause.objects.filter(paused_until__gt=now).values_list("platform", flat=True))
    return (
        PageCredential.objects.filter(status__in=[CredentialStatus.ACTIVE, CredentialStatus.FAILING])
        .filter(Q(next_pull_at__isnull=True) | Q(next_pull_at__lte=now))
        .filter(page__platform__in=list(PULLED_PLATFORMS))
        .exclude(page__platform__in=paused)
        .exclude(is_demo=True, page__platform__in=[p for p in PULLED_PLATFORMS if not platform_is_local(p)])
        .exclude(page__connector_runs__status__in=list(OPEN_STATUSES))
        .select_related("page")
        .order_by("next_pull_at", "pk")
    )


def enqueue_due(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Queued runs for every page whose pull is due (at most ``limit``), plus lost runs to send again."""
    now = now or timezone.now()
    ids = _reset_lost_runs(now)
    youtube_left = DbQuota(Platform.YOUTUBE, youtube_budget()).remaining(now)
    runs: list[ConnectorRun] = []
    over_quota: list[int] = []
    for credential in due_credentials(now)[:limit]:
        if credential.page.platform == Platform.YOUTUBE:
            if youtube_left <= 0:
                over_quota.append(credential.pk)
                continue
            youtube_left -= 1
        runs.append(
            ConnectorRun(page=credential.page, platform=credential.page.platform, trigger=RunTrigger.SCHEDULE)
        )
    if over_quota:
        PageCredential.objects.filter(pk__in=over_quota).update(next_pull_at=next_pacific_midnight(now))
    if runs:
        # A page that got an open run meanwhile (pull now) is skipped by the partial unique constraint.
        ConnectorRun.objects.bulk_create(runs, ignore_conflicts=True)
        ids += list(
            ConnectorRun.objects.filter(
                page_id__in=[r.page_id for r in runs], status=RunStatus.QUEUED, queued_at__gte=now
            ).values_list("pk", flat=True)
        )
    return ids


# --- warnings ------------------------------------------------------------------------------------


def page_admins(page: Page) -> list[Any]:
    """Who is told about the page's connection: its administrators in the product, or failing that the
    people responsible for editing the page's unit (the nearest unit up the tree that has some)."""
    from ketnoi.accounts.models import User

    admins = list(
        User.objects.filter(is_active=True, page_roles__page=page, page_roles__role=PageRole.ADMIN).distinct()
    )
    if admins:
        return admins
    return permissions.responsible_people(page.unit, "edit", climb=True)


def _notice_text(page: Page, kind: str, code: str, expires_at: dt.datetime | None) -> tuple[str, str]:
    if kind == NoticeKind.EXPIRING and expires_at is not None:
        when = timezone.localtime(expires_at).strftime("%d/%m/%Y %H:%M")
        subject = _("The access token of %(page)s expires on %(when)s") % {"page": page.name, "when": when}
        body = _(
            "The platform access token of the page %(page)s expires on %(when)s. "
            "Enter a new token before then so that its figures keep being collected."
        ) % {"page": page.name, "when": when}
    elif kind == NoticeKind.EXPIRED:
        subject = _("The connection of %(page)s stopped") % {"page": page.name}
        body = message_for(code)
    else:
        subject = _("Figures of %(page)s cannot be pulled") % {"page": page.name}
        body = message_for(code)
    return subject, body


def notify_admins(*, page: Page, kind: str, code: str = "", expires_at: dt.datetime | None = None) -> int:
    """An in-app notice and an e-mail, in each person's language, to the page's administrators.
    An unread notice of the same kind for the same page is not repeated."""
    people = page_admins(page)
    messages = []
    sent = 0
    for person in people:
        if ConnectorNotice.objects.filter(user=person, page=page, kind=kind, read_at__isnull=True).exists():
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject, body = _notice_text(page, kind, code, expires_at)
            ConnectorNotice.objects.create(user=person, page=page, kind=kind, message=f"{subject}. {body}")
            sent += 1
            if person.email:
                footer = _("This message was sent by Kết Nối.")
                messages.append(EmailMessage(subject=subject, body=f"{body}\n\n{footer}", to=[person.email]))
    if messages:
        try:
            get_connection().send_messages(messages)
        except OSError:
            logger.exception("could not send connection warnings for page %s", page.pk)
    return sent


def warn_expiring(now: dt.datetime | None = None) -> int:
    """Warn the administrators of pages whose token (or Zalo refresh token) expires soon, once per expiry."""
    now = now or timezone.now()
    horizon = now + warn_ahead()
    warned = 0
    candidates = PageCredential.objects.filter(status=CredentialStatus.ACTIVE).select_related(
        "page", "page__unit"
    )
    for credential in candidates.filter(
        Q(expires_at__lte=horizon, refresh_token_enc="") | Q(refresh_expires_at__lte=horizon)
    ):
        expiry = credential.refresh_expires_at if credential.refresh_token_enc else credential.expires_at
        if expiry is None or credential.warned_for == expiry:
            continue
        notify_admins(page=credential.page, kind=NoticeKind.EXPIRING, expires_at=expiry)
        PageCredential.objects.filter(pk=credential.pk).update(warned_for=expiry)
        warned += 1
    return warned


def notice_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    qs = ConnectorNotice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
