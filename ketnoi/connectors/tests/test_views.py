"""The connection panel: Vietnamese, write-only, scoped, htmx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ketnoi.connectors import services
from ketnoi.connectors.models import ConnectorNotice, PageCredential
from ketnoi.core.permissions import SYSTEM

pytestmark = [pytest.mark.django_db, pytest.mark.urls("ketnoi.connectors.tests.urls")]

TOKEN = "EAAGviewTokenSecret0000000000000000Kq8w"


@pytest.fixture
def fb_page(make_page):
    return make_page("facebook_page", "2468024680", unit_code="BP-BGM")


def test_an_editor_sees_the_panel_in_vietnamese_with_only_the_masked_token(web_as, bob, fb_page):
    services.credential_set(page=fb_page, access_token=TOKEN, expires_at=None, by=bob)

    response = web_as(bob).get(reverse("connectors:connection", args=[fb_page.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tự động thu thập số liệu" in html and "Đã kết nối" in html
    assert "…Kq8w" in html
    assert TOKEN not in html and TOKEN[:10] not in html
    assert "Lấy số liệu ngay" in html


def test_saving_a_token_through_the_form_never_renders_it_back(web_as, bob, fb_page):
    client = web_as(bob)
    url = reverse("connectors:credential", args=[fb_page.pk])

    response = client.post(
        url, {"access_token": TOKEN, "expires_at": "2027-01-31T17:00"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert TOKEN not in html
    assert "Đã lưu mã" in html and "31/01/2027" in html
    assert PageCredential.objects.get(page=fb_page).last4 == "Kq8w"


def test_a_bad_expiry_is_shown_on_the_form_field(web_as, bob, fb_page):
    response = web_as(bob).post(
        reverse("connectors:credential", args=[fb_page.pk]),
        {"access_token": TOKEN, "expires_at": "01/01/2020"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Thời điểm hết hạn đã qua" in html or "Đã qua" in html
    assert TOKEN not in html
    assert not PageCredential.objects.exists()


def test_pull_now_from_the_panel_shows_the_result(web_as, bob, fb_page, fake):
    fake.add_facebook_page("2468024680", TOKEN, followers=16000)
    services.credential_set(page=fb_page, access_token=TOKEN, expires_at=None, by=bob)

    response = web_as(bob).post(reverse("connectors:pull", args=[fb_page.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã lấy số liệu" in html
    assert "16.000" in html  # Vietnamese grouping
    assert "Thành công" in html


def test_an_expired_token_shows_the_error_in_vietnamese(web_as, bob, fb_page, fake):
    fake.add_facebook_page("2468024680", TOKEN)
    services.credential_set(page=fb_page, access_token=TOKEN, expires_at=None, by=bob)
    fake.expire_token(TOKEN)

    html = (
        web_as(bob)
        .post(reverse("connectors:pull", args=[fb_page.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert "Mã truy cập đã hết hạn hoặc bị thu hồi" in html
    assert "tạm dừng cho đến khi nhập mã mới" in html


def test_a_facebook_group_panel_explains_that_groups_are_not_pulled(web_as, bob, make_page):
    group = make_page("facebook_group", "bgm-group-1", unit_code="BP-BGM")

    html = web_as(bob).get(reverse("connectors:connection", args=[group.pk])).content.decode()

    assert "tháng 4/2024" in html
    assert "access_token" not in html  # no token form for a group


def test_someone_outside_the_subtree_can_neither_see_nor_change_the_connection(web_as, charlie, fb_page):
    client = web_as(charlie)

    assert client.get(reverse("connectors:connection", args=[fb_page.pk])).status_code == 403
    assert (
        client.post(reverse("connectors:credential", args=[fb_page.pk]), {"access_token": TOKEN}).status_code
        == 403
    )
    assert client.post(reverse("connectors:pull", args=[fb_page.pk])).status_code == 403
    assert client.post(reverse("connectors:disconnect", args=[fb_page.pk])).status_code == 403
    assert not PageCredential.objects.exists()


def test_a_viewer_sees_the_status_without_the_form_or_buttons(web_as, make_person, fb_page, bob):
    services.credential_set(page=fb_page, access_token=TOKEN, expires_at=None, by=bob)
    viewer = make_person("tinh.viewer", "BP", [("viewer", "BP")])

    html = web_as(viewer).get(reverse("connectors:connection", args=[fb_page.pk])).content.decode()

    assert "Đã kết nối" in html
    assert "Lưu mã" not in html and "Lấy số liệu ngay" not in html


def test_the_notices_page_lists_the_persons_notices_and_marks_them_read(web_as, bob, fb_page, charlie):
    ConnectorNotice.objects.create(user=bob, page=fb_page, kind="expired", message="Kết nối đã dừng.")
    ConnectorNotice.objects.create(user=charlie, page=fb_page, kind="expired", message="Của người khác.")
    client = web_as(bob)

    html = client.get(reverse("connectors:notices")).content.decode()
    assert "Kết nối đã dừng." in html and "Của người khác." not in html

    client.post(reverse("connectors:notices"))
    assert not ConnectorNotice.objects.filter(user=bob, read_at__isnull=True).exists()
    assert ConnectorNotice.objects.filter(user=charlie, read_at__isnull=True).exists()


def test_the_overview_lists_connections_in_scope_problems_first_in_few_queries(
    web_as, bob, make_page, django_assert_max_num_queries
):
    from django.utils import timezone

    from ketnoi.connectors.models import CredentialStatus

    pages = [
        make_page("facebook_page", f"55500000{n:02d}", unit_code="BP-BGM", name=f"Trang {n}")
        for n in range(12)
    ]
    for n, page in enumerate(pages):
        services.credential_set(page=page, access_token=f"EAAB-overview-{n:04d}", expires_at=None, by=SYSTEM)
    PageCredential.objects.filter(page=pages[7]).update(
        status=CredentialStatus.EXPIRED, last_error_code="token_expired"
    )
    PageCredential.objects.filter(page=pages[3]).update(expires_at=timezone.now() + dt.timedelta(days=2))
    elsewhere = make_page("youtube", "UCelsewhere0000000000001", unit_code="BP-DX", name="Kênh Đồng Xoài")
    services.credential_set(page=elsewhere, access_token="ya29.elsewhere", expires_at=None, by=SYSTEM)
    client = web_as(bob)
    client.get(reverse("connectors:overview"))  # warm the session and the grants

    with django_assert_max_num_queries(12):
        html = client.get(reverse("connectors:overview")).content.decode()

    assert "Kênh Đồng Xoài" not in html
    assert html.index("Trang 7") < html.index("Trang 0")  # the expired one first
    assert "Mã truy cập đã hết hạn" in html
    expiring = client.get(reverse("connectors:overview"), {"status": "expiring"}).content.decode()
    assert "Trang 3" in expiring and "Trang 0" not in expiring
    assert "EAAB-overview" not in html
