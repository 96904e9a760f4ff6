"""Demo: the three sample documents in the register, their tasks assigned to demo units, some
cascaded to communes, some done, some overdue. Idempotent: a document already there is skipped."""

from __future__ import annotations

import datetime as dt
from importlib import resources

from django.utils import timezone

from ketnoi.directives import proposals as reader
from ketnoi.directives import services
from ketnoi.directives.models import Document, LinkKind, Task, TaskStatus
from ketnoi.directives.proposals import Proposal
from ketnoi.units.models import Unit

CHI_THI = "chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt"
CONG_VAN = "cong-van-huyen-uy-1189-CV-HU.txt"
BAO_CAO = "bao-cao-so-ket-chi-thi-23-CT-TU.txt"


def sample_text(name: str) -> str:
    return resources.files("ketnoi.directives").joinpath("demo_docs", name).read_text(encoding="utf-8")


def _register(name: str, unit: Unit, **fields: object) -> Document | None:
    text = sample_text(name)
    head_title = reader.read_heading(text).title
    if Document.objects.filter(unit=unit, title=head_title[:500]).exists():
        return None
    return services.document_create(
        unit=unit,
        by=None,
        files=[services.Upload(name, text.encode("utf-8"))],
        **fields,  # type: ignore[arg-type]
    )


def _confirm(document: Document, due: dict[str, dt.date], fallback: Unit | None = None) -> list[Task]:
    """Confirm the proposals a reviewer would keep: those not flagged, with their matched units."""
    analysis = reader.propose_tasks(document.body, services.registry_for(document.unit))
    chosen = []
    for p in analysis:
        if not p.selected:
            if "." in p.number:
                continue
            # As a reviewer would: keep the sentences that are a unit's work, drop those about persons.
            kept = [s for s in p.text.replace("\n", " ").split(". ") if not reader.flags_of(s)]
            if p.addressed_to_individuals or not kept:
                continue
            p.text = ". ".join(kept).rstrip(".") + "."
        units = _units(p) or ([fallback] if fallback is not None else [])
        if not units:
            continue
        chosen.append(
            services.ConfirmedProposal(
                number=p.number,
                text=p.text,
                units=units,
                coordinating=list(Unit.objects.filter(code__in=[u.code for u in p.coordinating])),
                due_date=due.get(p.number),
                recurrence=p.recurrence,
            )
        )
    return services.tasks_confirm(document=document, proposals=chosen, by=None)


def _units(p: Proposal) -> list[Unit]:
    return list(Unit.objects.filter(code__in=[u.code for u in p.units]).order_by("path"))


def _task(document: Document, number: str, code: str) -> Task:
    return Task.objects.get(document=document, number=number, lead_unit__code=code, parent__isnull=True)


def load() -> None:
    today = timezone.localdate()
    province = Unit.objects.get(code="BP")
    bgm = Unit.objects.get(code="BP-BGM")

    chi_thi = _register(CHI_THI, province, issued_on=today - dt.timedelta(days=75))
    if chi_thi is not None:
        due = {
            "1.1": today + dt.timedelta(days=20),
            "1.2": today + dt.timedelta(days=45),
            "1.3": today - dt.timedelta(days=10),
            "4": today + dt.timedelta(days=3),
            "6": today - dt.timedelta(days=5),
            "7": today + dt.timedelta(days=30),
        }
        _confirm(chi_thi, due)
        # Bù Gia Mập turns task 7 into tasks for three of its communes; two are done.
        received = _task(chi_thi, "7", "BP-BGM")
        communes = list(
            Unit.objects.filter(code__in=["BP-BGM-XPM", "BP-BGM-XPN", "BP-BGM-XBT"]).order_by("code")
        )
        children = services.task_cascade(
            task=received, units=communes, by=None, due_date=today + dt.timedelta(days=20)
        )
        for child, (progress, note) in zip(
            children,
            [
                (100, "Đã tổ chức hội nghị quán triệt Chỉ thị cho cán bộ chủ chốt của xã."),
                (100, "Đã ban hành kế hoạch thực hiện và lồng ghép vào sinh hoạt chi bộ."),
                (40, "Đang xây dựng kế hoạch; đã quán triệt tại 3/8 chi bộ ấp."),
            ],
            strict=False,
        ):
            services.task_report_progress(task=child, by=None, progress=progress, note=note)
        services.task_report_progress(
            task=_task(chi_thi, "1.1", "BP-DX"),
            by=None,
            status=TaskStatus.DONE,
            note="Thành ủy đã ban hành kế hoạch triển khai và tổ chức quán triệt đến 100% chi bộ.",
            link="https://dongxoai.binhphuoc.gov.vn/",
        )
        services.task_report_progress(
            task=_task(chi_thi, "1.2", "BP-BGM"),
            by=None,
            progress=60,
            note="Đã đăng 45 tin bài trên trang Bù Gia Mập Online.",
        )
        services.task_report_progress(
            task=_task(chi_thi, "8", "BP-BTG"),
            by=None,
            note="Báo cáo quý: đã phát hành tờ gấp đến các chi bộ.",
            period_end=today.replace(day=1) - dt.timedelta(days=1),
        )

    cong_van = _register(
        CONG_VAN, bgm, summary="Công văn của Ban Thường vụ Huyện ủy Bù Gia Mập (dữ liệu minh họa)."
    )
    if cong_van is not None:
        services.reference_accept(
            document=cong_van,
            number="85-QĐ/TW",
            kind=LinkKind.IMPLEMENTS,
            kind_word="Quy định",
            issued_on=dt.date(2022, 10, 7),
            issuer="Ban Bí thư",
            by=None,
        )
        services.reference_accept(
            document=cong_van,
            number="53/2022/NĐ-CP",
            kind=LinkKind.CITES,
            kind_word="Nghị định",
            issued_on=dt.date(2022, 8, 15),
            issuer="Chính phủ",
            by=None,
        )
        due = {"1": today - dt.timedelta(days=2)}
        tasks = _confirm(cong_van, due, fallback=bgm)
        done = [t for t in tasks if t.lead_unit.code in ("BP-BGM-XPM", "BP-BGM-XDO")]
        for task in done:
            services.task_report_progress(
                task=task, by=None, status=TaskStatus.DONE, note="Đã quán triệt đến toàn thể đảng viên."
            )

    bao_cao = _register(BAO_CAO, province, issued_on=today - dt.timedelta(days=400))
    if bao_cao is not None:
        services.reference_accept(
            document=bao_cao,
            number="23-CT/TU",
            kind=LinkKind.CITES,
            kind_word="Chỉ thị",
            issued_on=dt.date(2017, 4, 17),
            issuer="Tỉnh ủy",
            by=None,
        )
        tasks = _confirm(bao_cao, {"4": today - dt.timedelta(days=30), "7": today - dt.timedelta(days=90)})
        for task in tasks:
            if task.number == "7":
                services.task_report_progress(
                    task=task,
                    by=None,
                    status=TaskStatus.DONE,
                    note="Ban Tuyên giáo đã tham mưu Tỉnh ủy ban hành văn bản chỉ đạo tiếp tục thực hiện.",
                )
