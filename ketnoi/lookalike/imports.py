"""Import of a list of addresses (CSV or XLSX: a citizen's tip, a manual search), all or nothing.

Columns (header names in English or Vietnamese, with or without diacritics): the address (required) and
the name shown on the page (optional). Every row is checked first; any bad row (no address, not a web
address, a person's own account) stops the import with every problem named by file, line and column,
and nothing is kept. Then each address that resembles an official page of the importer's units is kept as
a candidate (or refreshed); the others are counted, not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from ketnoi.lib import uploads
from ketnoi.lib.vn_text import fold
from ketnoi.lookalike import services
from ketnoi.lookalike.models import Source
from ketnoi.pages.imports.reading import ImportFailed, RowError, read_table

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

MAX_ROWS = 2000
ADDRESS_HEADERS = ("address", "url", "link", "dia chi", "duong dan", "lien ket", "dia chi trang")
NAME_HEADERS = ("name", "ten", "ten trang", "ten hien thi", "page name")


@dataclass
class ImportSummary:
    file_name: str
    rows: int
    kept: int
    not_resembling: int


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [fold(h).strip('"').strip() for h in header]
    return next((folded.index(n) for n in names if n in folded), None)


@permissions.gated
@transaction.atomic
def candidates_import(*, file_name: str, data: bytes, by: Actor) -> ImportSummary:
    if by is None or not getattr(by, "is_authenticated", False):
        raise NotAuthenticated()
    if not permissions.can_any(by, "edit"):
        raise PermissionDenied()
    uploads.check(data, name=file_name, kind="report_sheet")
    table = read_table(data, file_name)
    address_at = _column(table.header, ADDRESS_HEADERS)
    name_at = _column(table.header, NAME_HEADERS)
    if address_at is None:
        raise ImportFailed(
            file_name, [RowError(1, "", _("No address column (a header such as “address” or “địa chỉ”)."))]
        )
    if len(table.rows) > MAX_ROWS:
        limit = number_format(MAX_ROWS, force_grouping=True)
        raise ImportFailed(
            file_name, [RowError(0, "", _("At most %(n)s addresses in one file.") % {"n": limit})]
        )
    address_label = table.header[address_at]
    errors: list[RowError] = []
    rows: list[tuple[str, str]] = []
    for line, cells in table.rows:
        url = cells[address_at].strip() if address_at < len(cells) else ""
        name = cells[name_at].strip() if name_at is not None and name_at < len(cells) else ""
        if not url:
            errors.append(RowError(line, address_label, _("The address is missing.")))
            continue
        try:
            services.clean_address(url)
        except ValidationError as exc:
            errors.append(RowError(line, address_label, str(next(iter(exc.fields.values()), exc.message))))
            continue
        rows.append((name[:255], url))
    if errors:
        raise ImportFailed(file_name, errors)
    kept = 0
    for name, url in rows:
        if services.candidate_record(source=Source.IMPORT, name=name, url=url, by=by) is not None:
            kept += 1
    return ImportSummary(file_name=file_name, rows=len(rows), kept=kept, not_resembling=len(rows) - kept)
