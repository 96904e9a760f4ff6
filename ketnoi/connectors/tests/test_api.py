"""PUT /api/v1/pages/{id}/credentials and the other endpoints: write-only tokens, encrypted, scoped."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from ketnoi.connectors.crypto import decrypt
from ketnoi.connectors.models import PageCredential

pytestmark = pytest.mark.django_db

TOKEN = "EAAGm0PX4ZCpsBAKZCZAsecretFacebookToken9Zz7"
REFRESH = "zalo-refresh-secret-Qw3rTy-0001"
APP_SECRET = "zalo-app-secret-As9dF8"


def future(days: int = 60) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def fb_page(make_page):
    return make_page("facebook_page", "1357913579", unit_code="BP-BGM")


def test_an_editor_of_the_unit_stores_a_token_and_gets_back_only_its_last_four_characters(
    api_as, bob, fb_page
):
    response = api_as(bob).put(
        f"pages/{fb_page.pk}/credentials", {"access_token": TOKEN, "expires_at": future()}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token"] == f"…{TOKEN[-4:]}"
    assert body["status"] == "active" and body["updated_by"] == "Bob"
    assert TOKEN not in response.content.decode()
    assert decrypt(PageCredential.objects.get(page=fb_page).access_token_enc) == TOKEN


def test_tokens_are_encrypted_in_the_database_and_its_history(api_as, bob, make_page):
    zalo = make_page("zalo_oa", "4318999999999999999", unit_code="BP-BGM")
    response = api_as(bob).put(
        f"pages/{zalo.pk}/credentials",
        {
            "access_token": TOKEN,
            "expires_at": future(1),
            "refresh_token": REFRESH,
            "app_id": "1234567890",
            "app_secret": APP_SECRET,
        },
    )
    assert response.status_code == 200, response.content

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM connectors_pagecredential")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM connectors_historicalpagecredential")
        history = cursor.fetchall()
    dump = json.dumps([rows, history], default=str)
    assert rows and history
    for secret in (TOKEN, REFRESH, APP_SECRET, TOKEN[:12]):
        assert secret not in dump
    credential = PageCredential.objects.get(page=zalo)
    assert decrypt(credential.refresh_token_enc) == REFRESH
    assert decrypt(credential.app_secret_enc) == APP_SECRET


def test_no_endpoint_returns_the_token(api_as, bob, fb_page, fake):
    fake.add_facebook_page("1357913579", TOKEN, followers=12)
    client = api_as(bob)
    assert client.put(f"pages/{fb_page.pk}/credentials", {"access_token": TOKEN}).status_code == 200
    pulled = client.post(f"pages/{fb_page.pk}/pull")
    assert pulled.status_code == 202 and pulled.json()["status"] == "succeeded"

    for path in (f"pages/{fb_page.pk}/connection", f"pages/{fb_page.pk}/runs", "openapi.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert TOKEN not in response.content.decode()
        assert TOKEN[:-4] not in response.content.decode()
    connection_body = client.get(f"pages/{fb_page.pk}/connection").json()
    assert connection_body["credential"]["token"] == f"…{TOKEN[-4:]}"
    assert connection_body["last_run"]["values"] == {"followers": 12, "likes": 900, "engagement": 50}


def test_pull_now_through_the_api_stores_the_days_figures(api_as, bob, fb_page, fake):
    from ketnoi.pages.models import MetricSnapshot

    fake.add_facebook_page("1357913579", TOKEN, followers=16000)
    client = api_as(bob)
    client.put(f"pages/{fb_page.pk}/credentials", {"access_token": TOKEN, "expires_at": future()})

    response = client.post(f"pages/{fb_page.pk}/pull")

    assert response.status_code == 202
    assert MetricSnapshot.objects.get(page=fb_page).followers == 16000
    runs = client.get(f"pages/{fb_page.pk}/runs").json()
    assert [r["status"] for r in runs] == ["succeeded"]


def test_a_caller_outside_the_subtree_cannot_see_or_change_the_connection(api_as, bob, charlie, fb_page):
    api_as(bob).put(f"pages/{fb_page.pk}/credentials", {"access_token": TOKEN})
    other = api_as(charlie)

    assert other.get(f"pages/{fb_page.pk}/connection").status_code == 403
    assert other.get(f"pages/{fb_page.pk}/runs").status_code == 403
    assert (
        other.put(f"pages/{fb_page.pk}/credentials", {"access_token": "charlie-token-123"}).status_code == 403
    )
    assert other.post(f"pages/{fb_page.pk}/pull").status_code == 403
    assert other.delete(f"pages/{fb_page.pk}/credentials").status_code == 403
    assert decrypt(PageCredential.objects.get(page=fb_page).access_token_enc) == TOKEN


def test_a_viewer_sees_the_status_but_cannot_store_a_token(api_as, make_person, fb_page):
    viewer = make_person("tinh.viewer", "BP", [("viewer", "BP")])
    client = api_as(viewer)

    assert client.get(f"pages/{fb_page.pk}/connection").status_code == 200
    response = client.put(f"pages/{fb_page.pk}/credentials", {"access_token": TOKEN})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not PageCredential.objects.exists()


def test_an_editor_above_in_the_tree_may_connect_a_commune_page(api_as, alice, make_page):
    page = make_page("youtube", "UCcommune000000000000001", unit_code="BP-BGM-XPN")
    assert api_as(alice).put(f"pages/{page.pk}/credentials", {"access_token": TOKEN}).status_code == 200


def test_a_facebook_group_cannot_be_connected_and_the_answer_says_why(api_as, bob, make_page):
    group = make_page("facebook_group", "bgmgroup", unit_code="BP-BGM")

    response = api_as(bob).put(f"pages/{group.pk}/credentials", {"access_token": TOKEN})

    assert response.status_code == 422
    error = response.json()["error"]
    assert "4/2024" in error["message"] and "nhập tay" in error["message"]
    assert "access_token" in error["fields"]


def test_bad_input_gets_a_clear_message_naming_the_field(api_as, bob, fb_page):
    client = api_as(bob)
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()

    expired = client.put(f"pages/{fb_page.pk}/credentials", {"access_token": TOKEN, "expires_at": past})
    spaced = client.put(f"pages/{fb_page.pk}/credentials", {"access_token": "two words"})
    empty = client.put(f"pages/{fb_page.pk}/credentials", {"access_token": "  "})
    refresh = client.put(f"pages/{fb_page.pk}/credentials", {"access_token": TOKEN, "refresh_token": REFRESH})

    assert expired.status_code == 422 and "expires_at" in expired.json()["error"]["fields"]
    assert "đã qua" in expired.json()["error"]["message"]
    assert spaced.status_code == 422 and "dấu cách" in spaced.json()["error"]["message"]
    assert empty.status_code == 422 and "access_token" in empty.json()["error"]["fields"]
    assert refresh.status_code == 422 and "Zalo" in refresh.json()["error"]["message"]
    assert not PageCredential.objects.exists()


def test_a_zalo_refresh_token_needs_the_app_id_and_secret(api_as, bob, make_page):
    zalo = make_page("zalo_oa", "4318777777777777777", unit_code="BP-BGM")
    response = api_as(bob).put(
        f"pages/{zalo.pk}/credentials", {"access_token": TOKEN, "refresh_token": REFRESH}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"app_id", "app_secret"}


def test_disconnecting_deletes_the_tokens(api_as, bob, fb_page):
    client = api_as(bob)
    client.put(f"pages/{fb_page.pk}/credentials", {"access_token": TOKEN})

    assert client.delete(f"pages/{fb_page.pk}/credentials").status_code == 204
    assert not PageCredential.objects.exists()
    assert client.get(f"pages/{fb_page.pk}/connection").json()["credential"] is None


def test_an_unknown_page_is_not_found_and_anonymous_callers_are_refused(api_as, bob, client):
    assert api_as(bob).get("pages/999999/connection").status_code == 404
    assert client.get("/api/v1/pages/1/connection").status_code == 401


def test_pull_now_without_a_token_says_so(api_as, bob, fb_page):
    response = api_as(bob).post(f"pages/{fb_page.pk}/pull")
    assert response.status_code == 422
    assert "Chưa nhập mã truy cập" in response.json()["error"]["message"]
