"""The import of a metrics file, all-or-nothing: rights, the fast lane for a clean template, else the checks
row by row; everything is written by ``writer``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.audit import security_event
from ketnoi.lib import uploads
from ketnoi.lib.exports import csv_writer
from ketnoi.pages.imports import writer
from ketnoi.pages.imports.formats import (
    Merged,
    _as_lists,
    _PageIndex,
    _parse_meta_content,
    _parse_meta_page,
    _parse_template,
)
from ketnoi.pages.imports.reading import (
    MAX_ROWS,
    TEMPLATE_HEADER,
    ImportFailed,
    ImportResult,
    RowError,
    Table,
    _header,
    _sniff,
    detect,
    read_table,
)
from ketnoi.pages.models import MetricImport, MetricSource, Page, PageStatus
from ketnoi.pages.services import may_record_figures
from ketnoi.pages.urlnorm import BadAddress

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


@permissions.gated
def import_metrics(
    *,
    data: bytes,
    file_name: str,
    by: Actor,
    page: Page | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import a metrics file all-or-nothing; ``ImportFailed`` lists every bad row (nothing is written)."""
    uploads.check(data, name=file_name, kind="metrics")
    today = today or timezone.localdate()
    digest = hashlib.sha256(data).hexdigest()
    fast = None if page is not None else _fast_lane(data, file_name, by, today, digest)
    if fast is not None:
        return fast
    table = read_table(data, file_name)
    if len(table.rows) > MAX_ROWS:
        raise ImportFailed(file_name, [RowError(0, "", _("The file has too many rows."))])
    kind, columns = detect(table)
    errors: list[RowError] = []
    index = _PageIndex()
    lines: dict[int, int] = {}  # page -> first line naming it, so that a refusal names the line
    rows: Merged
    if kind == "template":
        rows = _parse_template(table, columns, index, errors, today, lines)
    elif kind == "meta_content":
        rows = _as_lists(_parse_meta_content(table, columns, index, errors, today, lines))
    elif kind == "meta_metric" and len(columns) == 1:
        raise ImportFailed(file_name, [RowError(2, "", _not_kept(table.metric))])
    elif kind in ("meta_page", "meta_metric"):
        rows = _as_lists(_parse_meta_page(table, columns, page, errors, today))
        if page is not None and table.rows:
            lines[page.pk] = table.rows[0][0]
    else:
        raise ImportFailed(
            file_name,
            [
                RowError(
                    1,
                    "",
                    _(
                        "The columns are not recognised. Use the template (page, date, followers, likes, "
                        "members, posts, reach, engagement) or an export of Meta Business Suite."
                    ),
                )
            ],
        )
    if page is not None and kind not in ("meta_page", "meta_metric"):
        rows = {key: v for key, v in rows.items() if key[0] == page.pk}
    pages = {pk for pk, _day in rows}
    for pk in sorted(pages):
        target = index.by_pk.get(pk) or Page.objects.select_related("unit").get(pk=pk)
        if not may_record_figures(by, target):
            # A page outside the caller's units is not named: the refusal reveals nothing about it.
            message = (
                _("You may not enter figures for “%(page)s”.") % {"page": target.name}
                if permissions.can(by, "view", target.unit)
                else _("The file names a page that is not one of your units' pages; nothing was imported.")
            )
            errors.append(RowError(lines.get(pk, 0), "", message))
    if errors:
        errors.sort(key=lambda e: (e.line, e.column))
        raise ImportFailed(file_name, errors)
    with transaction.atomic():
        written, changed = writer.upsert_merged(
            rows, source=MetricSource.IMPORT, user_id=getattr(permissions.person(by), "pk", None)
        )
        record = MetricImport.objects.create(
            file_name=file_name[:255],
            sha256=digest,
            kind=kind,
            rows=len(table.rows),
            changed=changed,
            created_by=permissions.person(by),
        )
        security_event(
            "import", by, None, detail={"kind": "page_metrics", "import": record.pk, "rows": len(table.rows)}
        )
    return ImportResult(
        file_name, kind, rows=len(table.rows), snapshots=written, changed=changed, pages=pages
    )


def _not_kept(metric: str) -> str:
    return _(
        "This is Meta's daily export of “%(metric)s”, a figure Kết Nối does not keep; nothing was imported. "
        "Kết Nối keeps followers, likes, members, posts, reach and engagement: export one of those "
        "(“Facebook total follows”, “Reach”, “Content interactions”) or use the template."
    ) % {"metric": metric}


def _fast_lane(data: bytes, file_name: str, by: Actor, today: dt.date, digest: str) -> ImportResult | None:
    """A clean template CSV is loaded by the database, little Python per row (``writer``); else None."""
    if connection.vendor not in ("postgresql", "sqlite") or data[:4] == b"PK\x03\x04":
        return None
    try:
        text, delimiter, _skip = _sniff(data)
    except UnicodeDecodeError:
        return None
    header = _header(text, delimiter)
    if not text.lstrip().startswith(tuple(header[:1]) or ("\x00",)):
        return None  # blank or odd lines before the header: the ordinary reader handles them
    kind, columns = detect(Table(header, []))
    if kind != "template":
        return None
    index = _PageIndex()
    pages: set[int] = set()

    def resolve(ref: str) -> Page | None:
        try:
            found = index.pk(int(ref)) if ref.isdigit() else index.address(ref) if ref else None
        except BadAddress:
            return None
        if found is not None:
            pages.add(found.pk)
        return found

    with transaction.atomic():
        done = writer.load_clean_template(
            text=text,
            delimiter=delimiter,
            header=header,
            columns=columns,
            resolve_page=resolve,
            may_write=lambda p: may_record_figures(by, p),
            today=today,
            source=MetricSource.IMPORT,
            user_id=getattr(permissions.person(by), "pk", None),
            preload_pages=index.preload,
        )
        if done is None:
            return None
        rows, changed = done
        record = MetricImport.objects.create(
            file_name=file_name[:255],
            sha256=digest,
            kind=kind,
            rows=rows,
            changed=changed,
            created_by=permissions.person(by),
        )
        security_event("import", by, None, detail={"kind": "page_metrics", "import": record.pk, "rows": rows})
    return ImportResult(file_name, kind, rows=rows, snapshots=rows, changed=changed, pages=pages)


def template_csv(for_user: Any = None) -> str:
    """The template, with two example lines in the format people type: pages of the person's own units with
    yesterday's date and the figures left for them to type (a page of another unit would be refused, and
    sample figures must never reach a real page), or two sample addresses for someone with no page yet."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(TEMPLATE_HEADER)
    own: list[Page] = []
    if for_user is not None:
        mine = permissions.scope_q(for_user, "edit", "unit") | permissions.scope_q(
            for_user, "enter_data", "unit"
        )
        own = list(Page.objects.filter(mine).exclude(status=PageStatus.RETIRED).order_by("unit__path")[:2])
    day = (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    if own:
        for p in own:
            writer.writerow([p.url, day, "", "", "", "", "", ""])
        return out.getvalue()
    writer.writerow(
        ["https://facebook.com/tuhaobinhphuoc", "31/01/2025", "20000", "16000", "", "12", "45000", "3100"]
    )
    writer.writerow(
        ["https://facebook.com/groups/binhphuocxinchao", "31/01/2025", "", "", "9300", "25", "", ""]
    )
    return out.getvalue()
