"""Every upload and import passes the upload guard: web forms, the API and the commands.

A body larger than any upload is refused before a byte of it is read; each form shows its limit and
refuses a larger file with a message naming it; a CSV field longer than the CSV reader takes is a 4xx.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from ketnoi.core.permissions import SYSTEM
from ketnoi.lib.tests import hostile

HUGE = 195 * 1024 * 1024


class EndlessCsv(io.RawIOBase):
    """A request body that would be 195 MB of CSV: made as it is read, counting what was read."""

    def __init__(self) -> None:
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        line = b"https://facebook.com/x,01/02/2025,1\r\n"
        size = len(buffer)
        chunk = (line * (size // len(line) + 1))[:size]
        buffer[:size] = chunk
        self.consumed += size
        return size


def _send(path: str, content_type: str, body: EndlessCsv) -> Any:
    from ketnoi.wsgi import application

    environ = RequestFactory()._base_environ(  # type: ignore[attr-defined]
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(HUGE),
    )
    environ["wsgi.input"] = body
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started.append((status, dict(headers)))

    content = b"".join(application(environ, start_response))
    return started[0][0], content


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/pages/import/", "multipart/form-data; boundary=xyz"),
        ("/api/v1/dataValueSets.csv", "text/csv"),
        ("/api/v1/dataValueSets", "application/json"),
    ],
)
def test_a_195_mb_body_is_refused_before_it_is_read(
    db: Any, path: str, content_type: str, client: Any
) -> None:
    client.get("/api/v1/openapi.json")  # the first request of a process loads the URLs and templates
    body = EndlessCsv()
    started = time.perf_counter()
    status, content = _send(path, content_type, body)
    assert time.perf_counter() - started < 2
    assert status.startswith("413")
    assert body.consumed == 0
    assert "195" in content.decode()


def test_the_import_form_shows_its_limit_and_refuses_a_larger_file(
    bob: Any, web_as: Any, settings: Any
) -> None:
    from ketnoi.pages.models import MetricImport

    settings.KETNOI_UPLOAD_LIMITS_MB = {**settings.KETNOI_UPLOAD_LIMITS_MB, "metrics": 1}
    browser = web_as(bob)
    assert "1 MB" in browser.get("/pages/import/").content.decode()
    data = b"page,date,followers\r\n" + b"https://facebook.com/x,01/02/2025,1\r\n" * 40_000
    response = browser.post("/pages/import/", {"file": SimpleUploadedFile("lon.csv", data)})
    text = response.content.decode()
    assert "lon.csv" in text
    assert "1 MB" in text
    assert not MetricImport.objects.exists()


def test_a_csv_field_over_131072_characters_is_refused_on_the_import_screen(bob: Any, web_as: Any) -> None:
    response = web_as(bob).post(
        "/pages/import/", {"file": SimpleUploadedFile("dai.csv", hostile.csv_long_field())}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "dai.csv" in text
    assert "131.072" in text


def test_a_csv_field_over_131072_characters_is_a_4xx_in_data_value_sets(admin_user: Any, api_as: Any) -> None:
    api = api_as(admin_user)
    body = (
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,"
        "lastupdated,comment,followup\nmembers,202501,BP,,,1,,," + "x" * 131_073 + ",\n"
    )
    response = api.client.post(
        "/api/v1/dataValueSets.csv",
        data=body,
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 413
    assert "131.072" in response.json()["error"]["message"]


def test_a_quoted_field_running_over_many_lines_is_a_4xx_not_a_server_error(
    admin_user: Any, api_as: Any
) -> None:
    api = api_as(admin_user)
    response = api.client.post(
        "/api/v1/dataValueSets.csv",
        data=hostile.csv_quoted_field_over_lines(),
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 422
    assert "131.072" in response.json()["error"]["message"]


def test_a_metrics_file_with_a_long_quoted_field_is_refused_all_or_nothing(province: Any) -> None:
    from ketnoi.pages.imports import ImportFailed, import_metrics

    comment = "\n".join("x" * 1000 for _ in range(140))
    data = f'page,date,followers\r\n"{comment}",01/02/2025,1\r\n'.encode()
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data, file_name="a.csv", by=SYSTEM)
    assert "131.072" in str(failed.value.errors[0])


@pytest.mark.parametrize("path", ["/api/v1/dataValueSets", "/api/v1/auth/token", "/api/v1/units"])
def test_a_json_body_nested_100000_deep_is_a_422(admin_user: Any, api_as: Any, path: str) -> None:
    api = api_as(admin_user)
    response = api.client.post(
        path,
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_deep"


def test_a_deep_json_body_of_snapshots_is_a_422(bob: Any, api_as: Any, unit: Any) -> None:
    from ketnoi.pages import services

    page = services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="https://facebook.com/BuGiaMapOnline",
        by=SYSTEM,
    )
    api = api_as(bob)
    response = api.client.post(
        f"/api/v1/pages/{page.pk}/metrics",
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_deep"


def test_the_reporting_import_command_refuses_a_deep_json_file(tmp_path: Path, province: Any) -> None:
    path = tmp_path / "values.json"
    path.write_text(json.dumps({"dataValues": []})[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(CommandError, match="64"):
        call_command("reporting-import", str(path))


def test_the_import_metrics_command_refuses_a_file_over_its_limit(
    tmp_path: Path, province: Any, settings: Any
) -> None:
    settings.KETNOI_UPLOAD_LIMITS_MB = {**settings.KETNOI_UPLOAD_LIMITS_MB, "metrics": 1}
    path = tmp_path / "lon.csv"
    with path.open("wb") as handle:
        handle.truncate(1024 * 1024 + 1)  # a sparse file: nothing is written to the disk
    with pytest.raises(CommandError, match=r"lon\.csv"):
        call_command("import-metrics", str(path))


def test_a_document_attachment_that_unpacks_to_gigabytes_is_refused_on_the_web(bob: Any, web_as: Any) -> None:
    from ketnoi.directives.models import Document

    response = web_as(bob).post(
        "/directives/documents/new/",
        {
            "unit": bob.unit_id,
            "attachments": SimpleUploadedFile("chi-thi.docx", hostile.docx_huge_xml()),
        },
    )
    assert "chi-thi.docx" in response.content.decode()
    assert not Document.objects.exists()
