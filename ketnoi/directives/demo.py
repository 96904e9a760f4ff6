"""Demo: the sample documents in the register, their tasks assigned to demo units, some cascaded to
communes, some done, some overdue. Idempotent: a document already there is skipped.

The documents sit on the tree of their date: the 2020 review, the district's 2023 letter and the 2024
directive address the old tree (districts and their communes, until 30/06/2025); the 2026 plan of the
new Tỉnh ủy Đồng Nai addresses its communes and wards (see ``ketnoi.units.demo``)."""

from __future__ import annotations

import datetime as dt
from importlib import resources

from django.utils import timezone

from ketnoi.core.permissions import SYSTEM
from ketnoi.directives import proposals as reader
from ketnoi.directives import services
from ketnoi.directives.models import Document, LinkKind, Task, TaskStatus
from ketnoi.directives.proposals import Proposal
from ketnoi.units.models import Unit

CHI_THI = "chi-thi-tinh-uy-su-dung-mang-xa-hoi.txt"
KE_HOACH = "ke-hoach-tinh-uy-dong-nai-mang-xa-hoi.txt"
CHI_THI_ISSUED = dt.date(2024, 10, 15)
CONG_VAN_ISSUED = dt.date(2023, 11, 20)
BAO_CAO_ISSUED = dt.date(2020, 9, 10)
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
        by=SYSTEM,
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
    return services.tasks_confirm(document=document, proposals=chosen, by=SYSTEM)


def _units(p: Proposal) -> list[Unit]:
    return list(Unit.objects.filter(code__in=[u.code for u in p.units]).order_by("path"))


def _task(document: Document, number: str, code: str) -> Task:
    return Task.objects.get(document=document, number=number, lead_unit__code=code, parent__isnull=True)


def load() -> None:
    load_before_reform()
    load_after_reform()


def load_before_reform() -> None:
    """The documents of the old tree, registered and assigned while it was today's tree (the demo loads
    them before it records the 2025 reform, as an office using the product then would have)."""
    province = Unit.objects.get(code="BP")
    if province.valid_to is not None:
        return  # the reform is already recorded: these documents are there from an earlier load
    _chi_thi(province)
    _cong_van(Unit.objects.get(code="BP-BGM"))
    _bao_cao(province)


# Tasks of the old tree still open when the districts ended (the rest was reported done before that).
HELD_OVER = {("1.2", "BP-BGM"), ("7", "BP-BGM-XPN")}


def _close_the_rest(document: Document, note: str) -> None:
    """Report done what an office would have closed before 01/07/2025: every task of the document but the
    held-over ones and those passed down (their progress comes from below); a recurring duty ends first."""
    for task in document.tasks.exclude(status=TaskStatus.DONE).filter(children__isnull=True):
        if (task.number, task.lead_unit.code) in HELD_OVER:
            continue
        if task.recurrence:
            task = services.task_update(task=task, by=SYSTEM, recurrence="")
        services.task_report_progress(task=task, by=SYSTEM, status=TaskStatus.DONE, note=note)


def load_after_reform() -> None:
    _ke_hoach(timezone.localdate())


def _chi_thi(province: Unit) -> None:
    """The 2024 directive of the old province: tasks for its districts and departments, mostly done
    before the districts ended on 01/07/2025."""
    chi_thi = _register(CHI_THI, province, issued_on=CHI_THI_ISSUED)
    if chi_thi is None:
        return
    start = CHI_THI_ISSUED
    due = {
        "1.1": start + dt.timedelta(days=60),
        "1.2": start + dt.timedelta(days=90),
        "1.3": start + dt.timedelta(days=120),
        "4": start + dt.timedelta(days=75),
        "6": start + dt.timedelta(days=150),
        "7": start + dt.timedelta(days=90),
    }
    _confirm(chi_thi, due)
    # Bù Gia Mập turns task 7 into tasks for three of its communes; two are done.
    received = _task(chi_thi, "7", "BP-BGM")
    communes = list(Unit.objects.filter(code__in=["BP-BGM-XPM", "BP-BGM-XPN", "BP-BGM-XBT"]).order_by("code"))
    children = services.task_cascade(
        task=received, units=communes, by=SYSTEM, due_date=start + dt.timedelta(days=80)
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
        services.task_report_progress(task=child, by=SYSTEM, progress=progress, note=note)
    services.task_report_progress(
        task=_task(chi_thi, "1.1", "BP-DX"),
        by=SYSTEM,
        status=TaskStatus.DONE,
        note="Thành ủy đã ban hành kế hoạch triển khai và tổ chức quán triệt đến 100% chi bộ.",
        link="https://dongxoai.binhphuoc.gov.vn/",
    )
    services.task_report_progress(
        task=_task(chi_thi, "1.2", "BP-BGM"),
        by=SYSTEM,
        progress=60,
        note="Đã đăng 45 tin bài trên trang Bù Gia Mập Online.",
    )
    services.task_report_progress(
        task=_task(chi_thi, "8", "BP-BTG"),
        by=SYSTEM,
        note="Báo cáo quý: đã phát hành tờ gấp đến các chi bộ.",
        period_end=dt.date(2024, 12, 31),
    )
    _close_the_rest(chi_thi, "Đã hoàn thành, báo cáo kết quả về Ban Tuyên giáo Tỉnh ủy.")


def _cong_van(bgm: Unit) -> None:
    """The district's own 2023 letter, with tasks for its communes."""
    cong_van = _register(
        CONG_VAN,
        bgm,
        issued_on=CONG_VAN_ISSUED,
        summary="Công văn của Ban Thường vụ Huyện ủy Bù Gia Mập (dữ liệu minh họa).",
    )
    if cong_van is None:
        return
    for number, kind, word, issued_on, issuer in (
        ("85-QĐ/TW", LinkKind.IMPLEMENTS, "Quy định", dt.date(2022, 10, 7), "Ban Bí thư"),
        ("53/2022/NĐ-CP", LinkKind.CITES, "Nghị định", dt.date(2022, 8, 15), "Chính phủ"),
    ):
        services.reference_accept(
            document=cong_van,
            number=number,
            kind=kind,
            kind_word=word,
            issued_on=issued_on,
            issuer=issuer,
            by=SYSTEM,
        )
    tasks = _confirm(cong_van, {"1": dt.date(2024, 1, 31)}, fallback=bgm)
    done = [t for t in tasks if t.lead_unit.code in ("BP-BGM-XPM", "BP-BGM-XDO")]
    for task in done:
        services.task_report_progress(
            task=task, by=SYSTEM, status=TaskStatus.DONE, note="Đã quán triệt đến toàn thể đảng viên."
        )
    _close_the_rest(cong_van, "Đã triển khai, báo cáo Ban Thường vụ Huyện ủy.")


def _bao_cao(province: Unit) -> None:
    bao_cao = _register(BAO_CAO, province, issued_on=BAO_CAO_ISSUED)
    if bao_cao is None:
        return
    services.reference_accept(
        document=bao_cao,
        number="23-CT/TU",
        kind=LinkKind.CITES,
        kind_word="Chỉ thị",
        issued_on=dt.date(2017, 4, 17),
        issuer="Tỉnh ủy",
        by=SYSTEM,
    )
    tasks = _confirm(bao_cao, {"4": dt.date(2020, 12, 31), "7": dt.date(2020, 11, 30)})
    for task in tasks:
        if task.number == "7":
            services.task_report_progress(
                task=task,
                by=SYSTEM,
                status=TaskStatus.DONE,
                note="Ban Tuyên giáo đã tham mưu Tỉnh ủy ban hành văn bản chỉ đạo tiếp tục thực hiện.",
            )
    _close_the_rest(bao_cao, "Đã thực hiện trong năm 2021.")


# The 2026 plan: who carries out each numbered task on today's tree.
KE_HOACH_UNITS = {
    "1": ["DN-BTGDV"],
    "2": ["DN-PBP", "DN-PDX", "BP-BGM-XBGM", "BP-BGM-XDO", "DN-XPN", "DN-XLN"],
    "3": ["DN-BPTTH"],
    "4": ["DN-SKHCN"],
    "5": ["DN-BTGDV"],
}


def _ke_hoach(today: dt.date) -> None:
    """The new province's 2026 plan: tasks for communes and wards directly under it, some done, some late."""
    from ketnoi.units.demo import today_root

    root = today_root()
    issued = today - dt.timedelta(days=75)
    plan = _register(
        KE_HOACH,
        root,
        issued_on=issued,
        summary="Kế hoạch của Ban Thường vụ Tỉnh ủy Đồng Nai (dữ liệu minh họa).",
    )
    if plan is None:
        return
    due = {
        "1": today + dt.timedelta(days=20),
        "2": today - dt.timedelta(days=5),
        "3": today + dt.timedelta(days=30),
        "4": today + dt.timedelta(days=3),
    }
    by_number = {p.number: p for p in reader.propose_tasks(plan.body, services.registry_for(root))}
    chosen = [
        services.ConfirmedProposal(
            number=number,
            text=by_number[number].text if number in by_number else plan.title,
            units=list(Unit.objects.filter(code__in=codes).order_by("path")),
            due_date=due.get(number),
            recurrence="quarterly" if number == "5" else "",
        )
        for number, codes in KE_HOACH_UNITS.items()
    ]
    tasks = services.tasks_confirm(document=plan, proposals=chosen, by=SYSTEM)
    reports = {
        ("2", "DN-PBP"): (TaskStatus.DONE, 100, "Đã cập nhật tên gọi, địa chỉ trên 4 trang của phường."),
        ("2", "BP-BGM-XBGM"): (None, 60, "Đã cập nhật trang Bù Gia Mập Online; còn 2 trang ấp."),
        ("2", "DN-XPN"): (None, 30, "Đang tiếp nhận các trang của xã Đức Hạnh, Phú Văn trước đây."),
        ("1", "DN-BTGDV"): (None, 50, "Đã có hướng dẫn; đang tổng hợp danh sách trang sau sắp xếp."),
    }
    for task in tasks:
        report = reports.get((task.number, task.lead_unit.code))
        if report is None:
            continue
        status, progress, note = report
        if status is not None:
            services.task_report_progress(task=task, by=SYSTEM, status=status, note=note)
        else:
            services.task_report_progress(task=task, by=SYSTEM, progress=progress, note=note)
