"""Benchmark of the directives register: reading directives and searching a large register.

    KETNOI_DATA_DIR=$(mktemp -d) python bench/directives.py [documents=20000] [tasks_per_document=5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_directives_bench python bench/directives.py

Loads the demo unit registry, times the proposal reader on the three sample documents, then fills the
register with ``documents`` documents (the sample texts with other numbers) and their tasks spread over
the district-level units, and times: search without diacritics (as a district editor and as the
province), the overdue list, a document's page data and the per-unit progress. Prints the figures.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from ketnoi.core.permissions import SYSTEM


def _timed(label: str, fn: Callable[[], Any], runs: int = 5) -> Any:
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    print(f"{label:<58} median {statistics.median(times) * 1000:8.1f} ms  (best {min(times) * 1000:.1f} ms)")
    return result


def main(documents: int, per_document: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from ketnoi.accounts.services import role_grant, user_create
    from ketnoi.directives import demo, selectors, services
    from ketnoi.directives.models import Document, Task, TaskStatus
    from ketnoi.directives.proposals import propose_tasks
    from ketnoi.units import demo as units_demo
    from ketnoi.units.models import Unit

    call_command("migrate", verbosity=0)
    units_demo.load()
    print(f"database: {connection.vendor}")
    province = Unit.objects.get(code="BP")
    bgm = Unit.objects.get(code="BP-BGM")
    registry = services.registry_for(province)
    for name in (demo.CHI_THI, demo.CONG_VAN, demo.BAO_CAO):
        text = demo.sample_text(name)
        found = _timed(
            f"propose tasks: {name[:34]} ({len(text) // 1000} kB)",
            lambda t=text: propose_tasks(t, registry),
            20,
        )
        print(f"{'':<58} {len(found)} tasks")

    texts = [demo.sample_text(n) for n in (demo.CHI_THI, demo.CONG_VAN, demo.BAO_CAO)]
    folded = [services.searchable(t) for t in texts]
    district_level = list(
        Unit.objects.filter(depth=2, kind__in=["district", "town", "city", "enterprise_party_committee"])
    )
    rng = random.Random(7)
    today = timezone.localdate()
    if not Document.objects.filter(number__endswith="-CT/BENCH").exists():
        t0 = time.perf_counter()
        batch: list[Document] = []
        for n in range(documents):
            k = n % 3
            number = f"{n + 1}-{('CT', 'CV', 'BC')[k]}/BENCH"
            batch.append(
                Document(
                    unit=province if k != 1 else rng.choice(district_level),
                    kind=("chi_thi", "cong_van", "bao_cao")[k],
                    number=number,
                    number_value=n + 1,
                    title=f"Văn bản thử số {n + 1}",
                    issued_on=today - dt.timedelta(days=rng.randrange(2000)),
                    body="",
                    search_folded=f" {number.lower().replace('-', ' ').replace('/', ' ')} {folded[k]}",
                )
            )
            if len(batch) == 2000:
                Document.objects.bulk_create(batch)
                batch = []
        Document.objects.bulk_create(batch)
        doc_ids = list(Document.objects.filter(number__endswith="/BENCH").values_list("id", flat=True))
        tasks: list[Task] = []
        for doc_id in doc_ids:
            for j in range(per_document):
                lead = rng.choice(district_level)
                status = rng.choice([TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE])
                tasks.append(
                    Task(
                        document_id=doc_id,
                        number=str(j + 1),
                        text=f"Nhiệm vụ thử {j + 1} về tuyên truyền trên mạng xã hội",
                        lead_unit=lead,
                        assigned_by=province,
                        due_date=today + dt.timedelta(days=rng.randrange(-200, 200)),
                        status=status,
                        progress=100 if status == TaskStatus.DONE else rng.randrange(0, 90),
                        rollup=100 if status == TaskStatus.DONE else rng.randrange(0, 90),
                        search_folded=services.searchable(
                            f"{j + 1} Nhiệm vụ thử về tuyên truyền {lead.code}"
                        ),
                    )
                )
            if len(tasks) >= 5000:
                Task.objects.bulk_create(tasks)
                tasks = []
        Task.objects.bulk_create(tasks)
        elapsed = time.perf_counter() - t0
        print(f"filled {documents:,} documents and {documents * per_document:,} tasks in {elapsed:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directives_document; ANALYZE directives_task")

    def person(username: str, code: str, role: str) -> Any:
        from ketnoi.accounts.models import User

        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=None, by=SYSTEM, unit=Unit.objects.get(code=code))
            role_grant(user=user, unit=Unit.objects.get(code=code), role=role, by=SYSTEM)
        return user

    district_editor = person("bench.bgm", "BP-BGM", "editor")
    province_viewer = person("bench.tinh", "BP", "viewer")
    print(f"register: {Document.objects.count():,} documents, {Task.objects.count():,} tasks")
    for who, user in (("province", province_viewer), ("district", district_editor)):
        for q in ("chi thi mang xa hoi", "1189 cv bench", "sơ kết chỉ thị 23"):
            found = _timed(f"search as {who}: {q!r}", lambda u=user, q=q: selectors.search(for_user=u, q=q))
            print(f"{'':<58} {len(found['documents'])} documents, {len(found['tasks'])} tasks shown")
    _timed("overdue list as province (first 200)", lambda: selectors.overdue(for_user=province_viewer))
    _timed(
        "overdue count as province",
        lambda: selectors.task_list(for_user=province_viewer, status="overdue").count(),
    )
    _timed(
        "home page figures as district",
        lambda: selectors.task_list(for_user=district_editor, status="open").count(),
    )
    doc = Document.objects.filter(number__endswith="/BENCH").first()
    if doc is None:
        raise SystemExit("no benchmark documents")
    _timed(
        "one document: tasks, groups and per-unit progress",
        lambda: (lambda ts: (selectors.task_groups(ts), selectors.progress_by_unit(tasks=ts)))(
            list(selectors.task_list(for_user=province_viewer, document=doc))
        ),
    )
    _timed(
        "per-unit progress of Huyện Bù Gia Mập (all its tasks)",
        lambda: selectors.progress_rows(selectors.task_list(for_user=district_editor, unit=bgm)),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
