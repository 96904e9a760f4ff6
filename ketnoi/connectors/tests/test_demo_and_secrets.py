"""Demo connections never reach a real platform; tokens are refused at input when they cannot work; a
connection deleted while its pull runs ends the run cleanly."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from django.utils import timezone

from ketnoi.connectors import demo, services
from ketnoi.connectors.models import ConnectorRun, PageCredential, RunStatus
from ketnoi.connectors.tasks import connectors_schedule
from ketnoi.core.exceptions import ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.pages.models import MetricSnapshot

pytestmark = pytest.mark.django_db

IN_60_DAYS = dt.timedelta(days=60)


@pytest.fixture
def connections(monkeypatch: Any) -> list[tuple[str, Any]]:
    """Every outgoing connection the process tries, as (host, port)."""
    attempts: list[tuple[str, Any]] = []
    real_connect = socket.socket.connect

    def spy(self: socket.socket, address: Any) -> Any:
        attempts.append((address[0], address[1]) if isinstance(address, tuple) else (address, None))
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    return attempts


def demo_connect(page: Any, token: str) -> PageCredential:
    return services.credential_set(
        page=page, access_token=token, expires_at=timezone.now() + IN_60_DAYS, by=SYSTEM, demo=True
    )


def test_a_demo_connection_is_never_sent_to_the_real_platform(
    settings: Any, make_page: Any, connections: list[tuple[str, Any]]
) -> None:
    settings.KETNOI_FACEBOOK_GRAPH_URL = "https://graph.facebook.com/v23.0"
    page = make_page("facebook_page", "1122334455")
    credential = demo_connect(page, "DEMO-made-up-token-0001")
    assert credential.is_demo
    # The schedule does not even queue it, and "pull now" says why on the screen.
    assert connectors_schedule.call_local() == 0
    with pytest.raises(ValidationError) as refused:
        services.pull_enqueue(page=page, by=SYSTEM)
    assert "thử nghiệm" in str(refused.value.message)  # "a demo connection ... never sent to a real platform"
    # A run queued anyway (an old queue, a second worker) is ended without a request.
    run = ConnectorRun.objects.create(page=page, platform=page.platform)
    finished = services.pull_execute(run.pk)
    assert finished is not None and finished.status == RunStatus.FAILED
    assert finished.error_code == "demo_credential"
    assert connections == []
    assert not MetricSnapshot.objects.exists()


def test_a_demo_connection_is_pulled_from_the_fake_platform_on_this_computer(
    fake: Any, make_page: Any, web_as: Any, alice: Any
) -> None:
    fake.add_facebook_page("1122334455", "DEMO-made-up-token-0001", followers=16000, likes=15200)
    page = make_page("facebook_page", "1122334455")
    demo_connect(page, "DEMO-made-up-token-0001")
    run = services.pull_execute(services.pull_enqueue(page=page, by=SYSTEM).pk)
    assert run is not None and run.status == RunStatus.SUCCEEDED, run.error_code
    assert len(fake.calls("facebook")) >= 1
    panel = web_as(alice).get(f"/connectors/pages/{page.pk}/").content.decode()
    assert "thử nghiệm" in panel


def test_a_real_token_entered_over_a_demo_one_is_no_longer_a_demo(make_page: Any, alice: Any) -> None:
    page = make_page("facebook_page", "1122334455")
    demo_connect(page, "DEMO-made-up-token-0001")
    credential = services.credential_set(
        page=page, access_token="EAAB-real-token", expires_at=timezone.now() + IN_60_DAYS, by=alice
    )
    assert not credential.is_demo


def test_the_demo_loader_marks_its_connections_as_demo(make_page: Any) -> None:
    make_page("facebook_page", "1122334455")
    make_page("youtube", "UCdemo00000000000000001")
    demo.load()
    demo.load()  # idempotent
    credentials = list(PageCredential.objects.all())
    assert credentials and all(c.is_demo for c in credentials)


@pytest.mark.parametrize("token", ["EAAB-tôken", "EAAB\u200btoken", "EAAB\x00token", "ẸAAB"])
def test_a_token_that_is_not_plain_ascii_is_refused_at_input(
    make_page: Any, alice: Any, api_as: Any, token: str
) -> None:
    page = make_page("facebook_page", "1122334455")
    with pytest.raises(ValidationError):
        services.credential_set(
            page=page, access_token=token, expires_at=timezone.now() + IN_60_DAYS, by=alice
        )
    response = api_as(alice).put(f"pages/{page.pk}/credentials", {"access_token": token})
    assert response.status_code == 422, response.content
    assert not PageCredential.objects.exists()


@pytest.mark.parametrize("faults", [0, 10])
def test_a_connection_deleted_while_its_pull_runs_ends_the_run_without_a_traceback(
    fake: Any, make_page: Any, alice: Any, monkeypatch: Any, caplog: Any, faults: int
) -> None:
    fake.add_facebook_page("1122334455", "EAAB-token-1")
    page = make_page("facebook_page", "1122334455")
    services.credential_set(
        page=page, access_token="EAAB-token-1", expires_at=timezone.now() + IN_60_DAYS, by=alice
    )
    if faults:
        fake.fail_next("facebook", "server_error", times=faults)
    real_fetch = services._fetch

    def fetch_then_disconnect(page_: Any, credential: PageCredential) -> Any:
        services.credential_delete(page=page_, by=alice)  # the editor disconnects meanwhile
        return real_fetch(page_, credential)

    monkeypatch.setattr(services, "_fetch", fetch_then_disconnect)
    run = services.pull_execute(services.pull_enqueue(page=page, by=alice).pk)
    assert run is not None and run.status == RunStatus.FAILED
    if not faults:  # the figures came, but the editor had disconnected the page: nothing is stored
        assert run.error_code == "no_credential"
    assert "Traceback" not in caplog.text
    assert not PageCredential.objects.exists()
    assert not MetricSnapshot.objects.exists()
