"""The worker's side: claim a publication, settle an unknown outcome, post once, record what happened.

Exactly once, step by step (no database transaction is held open across a network call):

1. **Claim** with one conditional UPDATE: the row must be open (scheduled or publishing), due, and not
   leased by a live worker (``lease_until`` empty or past). A second worker, a redelivered message or a
   sweep finds nothing to claim.
2. **Settle first**: a row with ``call_started_at`` set made a call whose outcome is unknown (the worker
   was killed, the request timed out, the platform answered 5xx, the database went away before the answer
   was stored). The page's recent posts are read for this publication's text; found -> published, with no
   new post. Only when it is not there is a new call made.
3. **Intent**: ``call_started_at`` is committed (with a fresh lease) before the call. A publication that
   never made a call is paced first and then claimed with its intent in the same conditional UPDATE (it
   also requires ``call_started_at`` to be empty), so a successful post costs two writes: this one and
   the outcome.
4. **Call**, paced by the platform's usage headers (``pacing``).
5. **Record**: published with the post's id and address; or a definite refusal (token expired, permission
   missing, content refused: failed with that reason, not retried; rate limit: retried after the wait the
   platform asked, intent cleared, since nothing was posted); or an unknown outcome (network error, time-out,
   5xx): the intent stays, and the next attempt settles it first. Retries back off exponentially.

The lease outlasts the request time-out, so when a lease has run out the old call is over (answered or
abandoned) and the settling read sees its post if there is one.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ketnoi.connectors.crypto import UnreadableSecret, decrypt
from ketnoi.connectors.errors import ConnectorError, NetworkError, PlatformError, RateLimited
from ketnoi.lib import weburl
from ketnoi.pages.models import Platform
from ketnoi.publishing import pacing
from ketnoi.publishing.models import (
    AttemptOutcome,
    Publication,
    PublicationAttempt,
    PublicationStatus,
)
from ketnoi.publishing.platforms import (
    ContentRefused,
    Duplicate,
    FacebookPublisher,
    Post,
    Posted,
    ZaloPublisher,
)
from ketnoi.publishing.services.stories import story_refresh_status

logger = logging.getLogger("ketnoi.publishing")

OPEN = (PublicationStatus.SCHEDULED, PublicationStatus.PUBLISHING)
DEMO_TOKEN_PREFIX = "demo-"  # noqa: S105 - a prefix, not a secret
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
MAX_PACE_WAIT = 20.0  # longer waits give the row back instead of holding a worker


def lease_seconds() -> int:
    return int(settings.KETNOI_PUBLISH_LEASE_SECONDS)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}:{uuid.uuid4().hex[:8]}"


def backoff_seconds(attempt: int) -> float:
    base = float(settings.KETNOI_PUBLISH_BACKOFF_SECONDS)
    delay = min(base * (2 ** max(0, attempt - 1)), 30 * 60)
    return delay + random.uniform(0, delay / 4)  # noqa: S311 - jitter, not a secret


# --- claim and release -----------------------------------------------------------------------------


def claimable_q(now: dt.datetime) -> Q:
    return Q(status__in=OPEN, manual=False, next_try_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def claim(pk: int, worker: str) -> bool:
    now = timezone.now()
    return bool(
        Publication.objects.filter(claimable_q(now), pk=pk).update(
            status=PublicationStatus.PUBLISHING,
            lease_until=now + dt.timedelta(seconds=lease_seconds()),
            worker=worker[:100],
            updated_at=now,
        )
    )


def claim_with_intent(pk: int, worker: str) -> dt.datetime | None:
    """Claim a publication that made no call yet and record the intent of the call, in one write (on
    SQLite every write waits for the database's lock and a disk flush); the moment recorded, or None."""
    now = timezone.now()
    done = Publication.objects.filter(claimable_q(now), pk=pk, call_started_at__isnull=True).update(
        status=PublicationStatus.PUBLISHING,
        lease_until=now + dt.timedelta(seconds=lease_seconds()),
        worker=worker[:100],
        call_started_at=now,
        first_call_at=Coalesce(F("first_call_at"), Value(now)),
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    return now if done else None


def _mine(pk: int, worker: str) -> Any:
    return Publication.objects.filter(pk=pk, worker=worker, status=PublicationStatus.PUBLISHING)


def _log(
    publication: Publication, worker: str, started: dt.datetime, kind: str, outcome: str, error: Any = None
) -> None:
    PublicationAttempt.objects.create(
        publication=publication,
        started_at=started,
        finished_at=timezone.now(),
        kind=kind,
        outcome=outcome,
        error_code=getattr(error, "code", "") if error is not None else "",
        detail=(error.technical() if isinstance(error, ConnectorError) else str(error or ""))[:500],
        worker=worker[:100],
    )


def _published(
    publication: Publication, worker: str, posted: Posted, started: dt.datetime, found: bool
) -> None:
    now = timezone.now()
    with transaction.atomic():
        done = _mine(publication.pk, worker).update(
            status=PublicationStatus.PUBLISHED,
            post_id=posted.post_id[:100],
            post_url=weburl.safe_href(posted.url) or "",  # the platform's answer is checked like any input
            published_at=now,
            call_started_at=None,
            lease_until=None,
            error_code="",
            error_detail="",
            updated_at=now,
        )
        if done:
            _log(
                publication,
                worker,
                started,
                "check" if found else "post",
                AttemptOutcome.FOUND if found else AttemptOutcome.PUBLISHED,
            )
    if done:
        story_refresh_status(publication.story_id)


def _retry(
    publication: Publication,
    worker: str,
    started: dt.datetime,
    error: ConnectorError,
    *,
    unknown: bool,
    kind: str = "post",
    after: float | None = None,
) -> None:
    """Give the row back for a later try; past the attempt limit it fails (a person may retry it)."""
    now = timezone.now()
    attempts = publication.attempts
    give_up = attempts >= int(settings.KETNOI_PUBLISH_MAX_ATTEMPTS)
    fields: dict[str, Any] = {
        "lease_until": None,
        "error_code": error.code,
        "error_detail": error.technical()[:500],
        "updated_at": now,
    }
    if not unknown:
        fields["call_started_at"] = None
    if give_up:
        fields["status"] = PublicationStatus.FAILED
    else:
        wait = after if after is not None else backoff_seconds(attempts)
        fields["next_try_at"] = now + dt.timedelta(seconds=wait)
    with transaction.atomic():
        done = _mine(publication.pk, worker).update(**fields)
        if done:
            outcome = AttemptOutcome.UNKNOWN if unknown else AttemptOutcome.RETRY
            _log(publication, worker, started, kind, AttemptOutcome.FAILED if give_up else outcome, error)
    if done and give_up:
        story_refresh_status(publication.story_id)
    elif done:
        _send_later(publication.pk, fields["next_try_at"])


def _fail(
    publication: Publication, worker: str, started: dt.datetime, error: ConnectorError, kind: str
) -> None:
    now = timezone.now()
    with transaction.atomic():
        done = _mine(publication.pk, worker).update(
            status=PublicationStatus.FAILED,
            call_started_at=None,
            lease_until=None,
            error_code=error.code,
            error_detail=error.technical()[:500],
            updated_at=now,
        )
        if done:
            _log(publication, worker, started, kind, AttemptOutcome.FAILED, error)
    if done:
        story_refresh_status(publication.story_id)


# --- what is posted -------------------------------------------------------------------------------


def post_for(publication: Publication) -> Post:
    """The variant of the story for the publication's platform (text limits and images differ)."""
    from ketnoi.publishing.selectors import post_text

    story = publication.story
    text = post_text(story, publication.platform)
    first = story.images.order_by("position", "id").first()
    image: tuple[str, bytes] | None = None
    image_url = ""
    if first is not None:
        if publication.platform == Platform.FACEBOOK_PAGE:
            with first.file.open("rb") as handle:
                image = (os.path.basename(first.file.name or "image.jpg"), bytes(handle.read()))
        base = getattr(settings, "KETNOI_BASE_URL", "")
        if base:
            image_url = base.rstrip("/") + first.file.url
    return Post(text=text, title=story.title, image=image, image_url=image_url)


@dataclass
class Target:
    client: FacebookPublisher | ZaloPublisher
    page_id: str
    token: str


def _http() -> dict[str, Any]:
    kwargs = dict(getattr(settings, "KETNOI_CONNECTOR_HTTP", {}))
    seconds = float(settings.KETNOI_PUBLISH_TIMEOUT_SECONDS)
    kwargs["timeout"] = httpx.Timeout(seconds, connect=min(5.0, seconds))
    kwargs["retries"] = 0
    return kwargs


class DemoHeld(ConnectorError):
    """A demo token and no local fake platform: nothing is sent anywhere."""

    code = "demo_no_fake"
    retryable = False


def _is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK


def _target(publication: Publication) -> Target:
    from ketnoi.connectors.errors import NotSupported, TokenExpired
    from ketnoi.connectors.models import PageCredential

    credential = PageCredential.objects.filter(page_id=publication.page_id).first()
    if credential is None:
        raise TokenExpired("no token stored for this page")
    try:
        token = decrypt(credential.access_token_enc)
    except UnreadableSecret:
        raise TokenExpired("the stored token cannot be decrypted") from None
    page = publication.page
    if page.platform == Platform.FACEBOOK_PAGE:
        base = settings.KETNOI_FACEBOOK_GRAPH_URL
        client: FacebookPublisher | ZaloPublisher = FacebookPublisher(base, **_http())
    elif page.platform == Platform.ZALO_OA:
        base = settings.KETNOI_ZALO_OA_URL
        client = ZaloPublisher(base, **_http())
    else:
        raise NotSupported(page.platform)
    if token.startswith(DEMO_TOKEN_PREFIX) and not _is_local(base):
        client.close()
        raise DemoHeld("demo token: publishing only to a fake platform on this machine")
    return Target(client, page.platform_id, token)


# --- the job ---------------------------------------------------------------------------------------


def publication_execute(pk: int, *, worker: str | None = None, sleep: Any = time.sleep) -> str | None:
    """Run one publication if it can be claimed; its status afterwards, or None when not claimed."""
    worker = worker or worker_name()
    publication = (
        Publication.objects.select_related("page", "story").filter(claimable_q(timezone.now()), pk=pk).first()
    )
    if publication is None:
        return None  # done, held by another worker, or not due: no write at all
    if publication.call_started_at is None:
        return _first_call(publication, worker, sleep)
    if not claim(pk, worker):
        return None
    publication.refresh_from_db()
    started = timezone.now()
    try:
        target = _target(publication)
    except ConnectorError as error:
        _fail(publication, worker, started, error, "post")
        return PublicationStatus.FAILED
    try:
        post = post_for(publication)
        platform = publication.platform
        # 2. An earlier call may have reached the platform: look before posting again.
        if publication.call_started_at is not None:
            wait = pacing.reserve(platform)
            if wait > MAX_PACE_WAIT:
                _give_back(publication, worker, wait)
                return PublicationStatus.PUBLISHING
            sleep(wait)
            try:
                found = target.client.find(
                    target.page_id, target.token, post, publication.first_call_at or started
                )
                _observe(platform, target)
            except RateLimited as error:
                _observe(platform, target, error)
                _retry(
                    publication, worker, started, error, unknown=True, kind="check", after=error.retry_seconds
                )
                return PublicationStatus.PUBLISHING
            except (NetworkError, PlatformError) as error:
                _retry(publication, worker, started, error, unknown=True, kind="check")
                return PublicationStatus.PUBLISHING
            except ConnectorError as error:
                _fail_unknown(publication, worker, started, error)
                return PublicationStatus.FAILED
            if found is not None:
                _published(publication, worker, found, started, found=True)
                return PublicationStatus.PUBLISHED
            _log(publication, worker, started, "check", AttemptOutcome.NOT_FOUND)
            started = timezone.now()
        # 3. Pace, then record the intent (with a fresh lease) before the call.
        wait = pacing.reserve(platform)
        if wait > MAX_PACE_WAIT:
            _give_back(publication, worker, wait)
            return PublicationStatus.PUBLISHING
        sleep(wait)
        now = timezone.now()
        with transaction.atomic():
            if not _mine(pk, worker).update(
                call_started_at=now,
                first_call_at=publication.first_call_at or now,
                attempts=F("attempts") + 1,
                lease_until=now + dt.timedelta(seconds=lease_seconds()),
                updated_at=now,
            ):
                return None  # the lease was lost to another worker: it carries on
        publication.refresh_from_db(fields=["attempts", "first_call_at", "call_started_at"])
        # 4. The call.
        return _call(publication, worker, now, target, post)
    finally:
        target.client.close()


def _first_call(publication: Publication, worker: str, sleep: Any) -> str | None:
    """A publication that never called the platform: pace, then claim it and record the intent together,
    then call. Two writes in all when it goes well (the claim with the intent, and the outcome)."""
    pk = publication.pk
    try:
        target = _target(publication)
    except ConnectorError as error:
        if not claim(pk, worker):
            return None
        _fail(publication, worker, timezone.now(), error, "post")
        return PublicationStatus.FAILED
    try:
        post = post_for(publication)
        platform = publication.platform
        wait = pacing.reserve(platform)
        if wait > MAX_PACE_WAIT:
            _send_later(pk, timezone.now() + dt.timedelta(seconds=wait))  # not claimed: nothing to give back
            return PublicationStatus.PUBLISHING
        sleep(wait)
        started = claim_with_intent(pk, worker)
        if started is None:
            return None  # another worker took it meanwhile: it carries on
        publication.refresh_from_db(fields=["attempts", "first_call_at", "call_started_at"])
        return _call(publication, worker, started, target, post)
    finally:
        target.client.close()


def _call(publication: Publication, worker: str, started: dt.datetime, target: Target, post: Post) -> str:
    """The call itself, its intent committed; records what happened."""
    platform = publication.platform
    try:
        posted = target.client.publish(target.page_id, target.token, post)
    except Duplicate as error:
        # The platform already has this text: settle it by reading, at once.
        _retry(publication, worker, started, error, unknown=True, after=0)
        return PublicationStatus.PUBLISHING
    except RateLimited as error:
        _observe(platform, target, error)
        _retry(publication, worker, started, error, unknown=False, after=error.retry_seconds)
        return PublicationStatus.PUBLISHING
    except NetworkError as error:
        _retry(publication, worker, started, error, unknown=True)
        return PublicationStatus.PUBLISHING
    except PlatformError as error:
        # A 5xx may have stored the post: unknown. Another answer is a refusal: nothing was posted.
        status = error.http_status
        unknown = status is None or status >= 500 or status < 400
        _retry(publication, worker, started, error, unknown=unknown)
        return PublicationStatus.PUBLISHING
    except (ContentRefused, ConnectorError) as error:
        _fail(publication, worker, started, error, "post")
        return PublicationStatus.FAILED
    _observe(platform, target)
    _published(publication, worker, posted, started, found=False)
    return PublicationStatus.PUBLISHED


def _fail_unknown(publication: Publication, worker: str, started: dt.datetime, error: ConnectorError) -> None:
    """The check itself was refused (token expired...): fail, keeping the intent so a retry checks first."""
    now = timezone.now()
    with transaction.atomic():
        done = _mine(publication.pk, worker).update(
            status=PublicationStatus.FAILED,
            lease_until=None,
            error_code=error.code,
            error_detail=error.technical()[:500],
            updated_at=now,
        )
        if done:
            _log(publication, worker, started, "check", AttemptOutcome.FAILED, error)
    if done:
        story_refresh_status(publication.story_id)


def _give_back(publication: Publication, worker: str, wait: float) -> None:
    now = timezone.now()
    at = now + dt.timedelta(seconds=wait)
    if _mine(publication.pk, worker).update(lease_until=None, next_try_at=at, updated_at=now):
        _send_later(publication.pk, at)


def _send_later(pk: int, at: dt.datetime) -> None:
    """Queue the next try at its time (the row stays the truth: a lost message is re-sent by the sweep)."""
    from ketnoi.publishing.tasks import publishing_publish

    publishing_publish.schedule((pk,), eta=max(at, timezone.now() + dt.timedelta(seconds=1)))


def _observe(platform: str, target: Target, error: RateLimited | None = None) -> None:
    usage = target.client.last_usage
    if error is not None:
        pacing.observe(platform, usage=max(usage.percent, 100), limited_for=error.retry_seconds)
    else:
        pacing.observe(platform, usage=usage.percent)


# --- the sweep -------------------------------------------------------------------------------------


def due_ids(limit: int = 5000) -> list[int]:
    """Open publications that a worker may claim now (due, or left behind by a worker that died)."""
    now = timezone.now()
    return list(
        Publication.objects.filter(claimable_q(now))
        .order_by("next_try_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def leased(limit: int = 5000) -> list[tuple[int, dt.datetime]]:
    """Open publications held by a lease (perhaps of a worker that died), with the moment it runs out."""
    now = timezone.now()
    rows = (
        Publication.objects.filter(status__in=OPEN, manual=False, lease_until__gte=now)
        .order_by("lease_until")
        .values_list("pk", "lease_until")[:limit]
    )
    return [(pk, lease) for pk, lease in rows if lease is not None]
