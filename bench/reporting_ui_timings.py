"""Timings of the reporting web UI on the demo province (server side, through Django's test client).

    KETNOI_DATA_DIR=/tmp/kn_demo ketnoi demo --no-serve      # once
    KETNOI_DATA_DIR=/tmp/kn_demo python bench/reporting_ui_timings.py

Prints, per page, the median of five requests (ms), the number of SQL queries and the response size.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from openpyxl import load_workbook

    from ketnoi.accounts.models import User
    from ketnoi.reporting import xlsx
    from ketnoi.reporting.models import ReportForm
    from ketnoi.reporting.periods import current_period

    setup_test_environment()
    form = ReportForm.objects.get(code="monthly_comms")
    period = current_period(form).id
    quarter = f"{period[:4]}Q{(int(period[4:]) - 1) // 3 + 1}"
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    pages = [
        ("home", "/reports/"),
        ("completeness BP", f"/reports/f/{form.code}/{period}/?unit=BP"),
        ("entry commune", f"/reports/f/{form.code}/{period}/u/BP-BGM-XPN/"),
        ("template BP (all units)", f"/reports/f/{form.code}/{period}/template.xlsx?unit=BP"),
        (
            "pivot BP quarter x 2 indicators",
            f"/reports/analysis/?form={form.code}&ou=BP&pt=quarterly&start={quarter}&end={quarter}"
            "&dx=members_total&dx=posts_published",
        ),
        (
            "pivot BP 12 months x 1 indicator",
            f"/reports/analysis/?form={form.code}&ou=BP&pt=monthly&start={int(period[:4]) - 1}{period[4:]}"
            f"&end={period}&dx=posts_published",
        ),
    ]
    print(f"{'page':36} {'median ms':>10} {'queries':>8} {'bytes':>9}")
    template = b""
    for name, url in pages:
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                sys.exit(f"{name}: HTTP {response.status_code}")
        if name.startswith("template"):
            template = response.content
        median = statistics.median(times)
        print(f"{name:36} {median:10.0f} {len(queries.captured_queries):8d} {len(response.content):9d}")
    # Upload the template back: unchanged (everything read and compared, nothing written).
    from django.core.files.uploadedfile import SimpleUploadedFile

    wb = load_workbook(io.BytesIO(template))
    rows = wb[xlsx.DATA_SHEET].max_row - xlsx.FIRST_DATA_ROW + 1
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.post(
            f"/reports/f/{form.code}/{period}/upload/",
            {"unit": "BP", "file": SimpleUploadedFile("t.xlsx", template)},
        )
        took = (time.perf_counter() - start) * 1000
    label = f"upload unchanged ({rows} rows)"
    print(f"{label:36} {took:10.0f} {len(queries.captured_queries):8d} {response.status_code:>9}")


if __name__ == "__main__":
    main()
