"""Attached files and evidence open: one view serves them, checking the caller may see their document
or task, with their content type, their download name and nosniff; nothing is in a public folder."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import override_settings
from django.utils.translation import gettext

from ketnoi.core.exceptions import ValidationError
from ketnoi.directives import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NAME = "Kế hoạch tuyên truyền số 12.txt"
TEXT = "KẾ HOẠCH\nTuyên truyền trên mạng xã hội năm 2026\n1. Ban Tuyên giáo chủ trì.".encode()


@pytest.fixture
def document(unit, bob):
    """A document of the district Bù Gia Mập with a text file whose name has diacritics and spaces."""
    return services.document_create(
        unit=unit("BP-BGM"), by=bob, title="Kế hoạch tuyên truyền", files=[services.Upload(NAME, TEXT)]
    )


@pytest.fixture
def evidence(document, unit, bob):
    task = services.task_create(document=document, lead_unit=unit("BP-BGM"), text="Đăng tin.", by=bob)
    services.task_report_progress(
        task=task, by=bob, progress=40, note="Đã đăng 3 tin.", file=services.Upload("Ảnh chụp.png", PNG)
    )
    return task.updates.get()


def test_an_attached_file_opens_for_whoever_may_see_its_document(document, bob, web_as):
    attached = document.files.get()
    response = web_as(bob).get(attached.download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TEXT  # type: ignore[attr-defined]
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(NAME)}" in disposition
    assert "private" in response["Cache-Control"]


def test_an_attached_file_is_refused_outside_the_callers_subtree(document, charlie, web_as):
    assert web_as(charlie).get(document.files.get().download_url).status_code == 403


def test_a_missing_file_or_kind_is_404_and_anonymous_callers_are_sent_to_log_in(
    document, bob, web_as, client
):
    url = document.files.get().download_url
    assert client.get(url).status_code == 302
    assert web_as(bob).get("/files/document-file/999999/").status_code == 404
    assert web_as(bob).get("/files/nothing/1/").status_code == 404


def test_there_is_no_public_media_folder(document, bob, web_as):
    stored = document.files.get().file.name
    assert web_as(bob).get(f"/media/{stored}").status_code == 404


def test_evidence_of_a_task_opens_inline_as_an_image_for_the_task_and_not_for_others(
    evidence, bob, charlie, web_as
):
    response = web_as(bob).get(evidence.download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert quote("Ảnh chụp.png") in response["Content-Disposition"]
    assert web_as(charlie).get(evidence.download_url).status_code == 403


def test_the_api_lists_each_attachment_with_name_size_type_and_a_url_that_works(
    document, bob, charlie, api_as
):
    listed = api_as(bob).get(f"documents/{document.pk}").json()["files"]
    assert listed == [
        {
            "name": NAME,
            "size": len(TEXT),
            "content_type": "text/plain",
            "url": f"/files/document-file/{document.files.get().pk}/",
        }
    ]
    client = api_as(bob).client
    client.force_login(bob)
    assert b"".join(client.get(listed[0]["url"]).streaming_content) == TEXT
    assert api_as(charlie).get(f"documents/{document.pk}").status_code == 403


def test_the_api_lists_a_tasks_reports_with_their_evidence_files(evidence, bob, charlie, api_as):
    rows = api_as(bob).get(f"tasks/{evidence.task_id}/updates").json()
    assert rows[0]["progress"] == 40
    assert rows[0]["file"]["name"] == "Ảnh chụp.png"
    assert rows[0]["file"]["content_type"] == "image/png"
    assert rows[0]["file"]["size"] == len(PNG)
    assert api_as(charlie).get(f"tasks/{evidence.task_id}/updates").status_code == 403


def test_the_front_web_server_sends_the_bytes_when_configured(document, evidence, bob, web_as):
    attached = document.files.get()
    with override_settings(KETNOI_FILE_SENDER="x-accel-redirect", KETNOI_FILE_ACCEL_PREFIX="/protected/"):
        response = web_as(bob).get(attached.download_url)
    assert response["X-Accel-Redirect"] == "/protected/" + quote(attached.file.name)
    assert response.content == b""
    assert "filename*=" in response["Content-Disposition"]
    with override_settings(KETNOI_FILE_SENDER="x-sendfile"):
        response = web_as(bob).get(evidence.download_url)
    assert response["X-Sendfile"] == evidence.file.path
    with override_settings(KETNOI_FILE_SENDER="x-sendfile"):
        assert web_as(bob).get(evidence.download_url.replace(str(evidence.pk), "0")).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "field_message"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00 not a pdf", "Content does not match the file name."),
        ("virus.exe", b"MZ\x90\x00", "Unsupported file type."),
        ("trang.html", b"<script>alert(1)</script>", "Unsupported file type."),
        ("anh.png", b"<svg onload=alert(1)>", "Content does not match the file name."),
    ],
)
def test_evidence_of_the_wrong_kind_is_refused_naming_the_file(
    document, unit, bob, name, data, field_message
):
    task = services.task_create(document=document, lead_unit=unit("BP-BGM"), text="Đăng tin.", by=bob)
    with pytest.raises(ValidationError) as error:
        services.task_report_progress(task=task, by=bob, progress=10, file=services.Upload(name, data))
    assert name in error.value.message
    assert error.value.fields["file"] == gettext(field_message)


def test_an_attachment_whose_bytes_are_not_its_kind_is_refused(document, bob):
    with pytest.raises(ValidationError) as error:
        services.document_attach(document=document, upload=services.Upload("cv.pdf", b"hello"), by=bob)
    assert "cv.pdf" in error.value.message
    services.document_attach(document=document, upload=services.Upload("ok.txt", b"plain"), by=bob)
    assert document.files.count() == 2
