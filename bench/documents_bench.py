"""Benchmark of report documents (runs outside the test suite).

    KETNOI_DATA_DIR=$(mktemp -d) python bench/documents_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_docs_bench KETNOI_DATA_DIR=$(mktemp -d) \\
        python bench/documents_bench.py

A provincial report with 10 tables (indicators by unit), 4 charts and 200 unit rows (a province of the
two-level government: 200 communes directly under it), rendered by the product as a whole (figures through
the reporting roll-up, .docx with python-docx, .pdf through LibreOffice) against LibreOffice's own
conversion of the same .docx to .pdf (the same headless call with a fresh profile, as the product makes
it). Figure: the ratio of medians over ``--rounds`` (goal <= 1.5). Then the same report for 95 communes in
one batch: figures and .docx per commune, and every PDF from one LibreOffice process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

INDICATORS = [f"bench_ind_{i}" for i in range(5)]


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(communes: int) -> tuple[Any, Any]:
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.documents import services as doc_services
    from ketnoi.documents.models import ReportTemplate
    from ketnoi.reporting import services
    from ketnoi.reporting.models import Indicator, ReportForm
    from ketnoi.units.models import Unit
    from ketnoi.units.services import unit_create

    root = Unit.objects.filter(code="BN").first()
    if root is None:
        root = unit_create(
            code="BN", name="Tỉnh Bench", kind="province", level="province", parent=None, by=None
        )
        for i in range(communes):
            unit_create(
                code=f"BN-X{i:03d}",
                name=f"Xã Thử Nghiệm {i + 1:03d}",
                kind="commune",
                level="commune",
                parent=root,
                by=None,
            )
    units = list(Unit.objects.filter(path__startswith=root.path).exclude(pk=root.pk).order_by("path"))
    for code in INDICATORS:
        if not Indicator.objects.filter(code=code).exists():
            services.indicator_create(
                code=code,
                name=f"Chỉ tiêu thử nghiệm {code[-1]}",
                value_type="integer",
                unit_aggregation="sum",
                time_aggregation="sum",
                by=SYSTEM,
            )
    form = ReportForm.objects.filter(code="bench_form").first()
    if form is None:
        form = services.form_create(
            code="bench_form",
            name="Biểu thử nghiệm",
            period_type="yearly",
            owner=root,
            by=SYSTEM,
            indicators=INDICATORS,
            units=units,
        )
        for n, unit in enumerate(units):
            services.report_values_save(
                form=form,
                unit=unit,
                period="2025",
                values={c: str(100 + n * (i + 1)) for i, c in enumerate(INDICATORS)},
                by=SYSTEM,
            )
    blocks: dict[str, Any] = {}
    lines = ["Báo cáo thử nghiệm hiệu năng."]
    for t in range(10):
        blocks[f"t{t}"] = {"kind": "table_units", "indicators": INDICATORS[: 1 + t % 5]}
        lines += [f"# PHẦN {t + 1}", f"## Bảng {t + 1}", f"Tổng: {{{{f{t}}}}}.", f"{{{{t{t}}}}}"]
        blocks[f"f{t}"] = {"kind": "figure", "indicator": INDICATORS[t % 5]}
    for c in range(4):
        blocks[f"c{c}"] = {"kind": "chart", "indicator": INDICATORS[c], "by": "units"}
        lines.append(f"{{{{c{c}}}}}")
    template = ReportTemplate.objects.filter(code="bench").first()
    if template is None:
        template = doc_services.template_create(
            code="bench",
            unit=root,
            by=SYSTEM,
            name="Báo cáo thử nghiệm",
            format="state",
            issuing_body="Ủy ban nhân dân tỉnh Bench",
            issuer_code="UBND",
            place="Bench",
            title="Báo cáo",
            subject="Thử nghiệm hiệu năng",
            body="\n".join(lines),
            blocks=blocks,
            recipients="Lưu: VT.",
            signing_capacity="TM. Ủy ban nhân dân",
            signer_title="Chủ tịch",
            signer_name="Nguyễn Văn A",
        )
    return template, root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=95)
    args = parser.parse_args()
    setup()
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.documents import pdf, services
    from ketnoi.units.models import Unit

    t0 = time.perf_counter()
    template, root = build(200)
    print(f"setup (200 communes, values, template): {time.perf_counter() - t0:.1f} s")
    document = services.document_draft(template=template, unit=root, period="2025", by=SYSTEM)

    whole, lo_only, parts = [], [], []
    docx = b""
    for _ in range(args.rounds):
        start = time.perf_counter()
        figures = services.computed(document, SYSTEM)
        t_fig = time.perf_counter()
        docx = services.render_docx(document, SYSTEM, figures=figures)
        t_docx = time.perf_counter()
        out = pdf.docx_to_pdf(docx)
        end = time.perf_counter()
        whole.append(end - start)
        parts.append((t_fig - start, t_docx - t_fig, end - t_docx))
        if out[:4] != b"%PDF":
            raise SystemExit("the product's render is not a PDF")
        # LibreOffice's own conversion of the very same .docx (same call, fresh profile).
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "same.docx"
            source.write_bytes(docx)
            start = time.perf_counter()
            pdf.convert_files([source], Path(tmp))
            lo_only.append(time.perf_counter() - start)
    rows = sum(len(b.get("rows", [])) for b in services.computed(document, SYSTEM).values())
    fig, dx, pf = (statistics.median(p[i] for p in parts) for i in range(3))
    print(f"report: 10 tables, 4 charts, {rows} table rows, .docx {len(docx) // 1024} KiB")
    print(
        f"  product whole render   median {statistics.median(whole):.2f} s "
        f"(figures {fig:.2f} s, .docx {dx:.2f} s, .pdf {pf:.2f} s)"
    )
    print(f"  LibreOffice alone      median {statistics.median(lo_only):.2f} s")
    print(
        f"  ratio whole / LibreOffice = {statistics.median(whole) / statistics.median(lo_only):.2f}"
        "  (goal <= 1.5)"
    )

    communes = list(Unit.objects.filter(path__startswith=root.path).exclude(pk=root.pk).order_by("path"))
    communes = communes[: args.batch]
    start = time.perf_counter()
    files = []
    for unit in communes:
        draft = services.document_draft(template=template, unit=unit, period="2025", by=SYSTEM)
        files.append(services.render_docx(draft, SYSTEM))
    t_docx = time.perf_counter()
    pdfs = pdf.docx_many_to_pdf(files)
    end = time.perf_counter()
    if len(pdfs) != len(communes) or not all(p[:4] == b"%PDF" for p in pdfs):
        raise SystemExit("the batch did not give one PDF per commune")
    print(
        f"batch: {len(communes)} communes in {end - start:.1f} s "
        f"(figures + .docx {t_docx - start:.1f} s, all PDFs in one LibreOffice call {end - t_docx:.1f} s; "
        f"{(end - start) / len(communes):.2f} s per report)"
    )


if __name__ == "__main__":
    main()
