"""Exchange of data values in DHIS2's dataValueSets shapes, by codes (or names) instead of internal ids.

JSON (``/api/dataValueSets`` in DHIS2)::

    {"dataSet": "monthly", "period": "202007", "orgUnit": "BP-BGM",
     "dataValues": [{"dataElement": "members", "period": "202007", "orgUnit": "BP-BGM-XPN",
                     "categoryOptionCombo": "facebook", "value": "16", "comment": ""}]}

``period`` and ``orgUnit`` at the top apply to values that do not give their own.

CSV (``/api/dataValueSets.csv``), header row first, DHIS2's column order::

    dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,
    deleted

The attribute option combo, storedby, lastupdated and followup columns are written on export and
ignored on import; ``deleted`` (``true``) on import deletes the value, as an empty value does, and is
``false`` on export (a deleted value is gone, its history kept). JSON values may say ``"deleted": true``.
``categoryoptioncombo`` is an option code of the indicator's disaggregation (empty or ``default`` for an
indicator without one). DXF2 XML and ADX: ``reporting.dhis2_xml``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.exceptions import ValidationError
from ketnoi.lib.exports import csv_writer, unescape_text
from ketnoi.reporting.models import DataValue, ReportForm
from ketnoi.reporting.periods import read_period
from ketnoi.reporting.services.imports import ImportRow
from ketnoi.units.models import Unit

CSV_COLUMNS = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
]
_ALIASES = {
    "catoptcombo": "categoryoptioncombo",
    "attroptcombo": "attributeoptioncombo",
    "coc": "categoryoptioncombo",
}


def rows_from_json(payload: Any, *, source: str = "dataValueSets") -> list[ImportRow]:
    """The values of a dataValueSets JSON document; a malformed document raises ValidationError."""
    if isinstance(payload, dict) and "dataValues" not in payload:
        return []  # DHIS2: an empty data value set is an empty, successful import
    if not isinstance(payload, dict) or not isinstance(payload.get("dataValues"), list):
        raise ValidationError(
            _("%(source)s: expected an object with a list “dataValues”.") % {"source": source},
            fields={"dataValues": _("Required.")},
        )
    default_period = str(payload.get("period") or "")
    default_unit = str(payload.get("orgUnit") or "")
    rows: list[ImportRow] = []
    problems: dict[str, str] = {}
    for i, item in enumerate(payload["dataValues"], start=1):
        if not isinstance(item, dict):
            problems[f"dataValues[{i}]"] = _("%(source)s, value %(n)d: not an object.") % {
                "source": source,
                "n": i,
            }
            continue
        element = str(item.get("dataElement") or "")
        period = str(item.get("period") or default_period)
        unit = str(item.get("orgUnit") or default_unit)
        missing = [
            name
            for name, v in (("dataElement", element), ("period", period), ("orgUnit", unit))
            if not v.strip()
        ]
        if missing:
            problems[f"dataValues[{i}]"] = _("%(source)s, value %(n)d: missing %(fields)s.") % {
                "source": source,
                "n": i,
                "fields": ", ".join(missing),
            }
            continue
        value = None if item.get("deleted") in (True, "true") else item.get("value")
        if isinstance(value, bool):
            value = "true" if value else "false"
        rows.append(
            ImportRow(
                data_element=element,
                period=period,
                org_unit=unit,
                value="" if value is None else str(value),
                option=str(item.get("categoryOptionCombo") or ""),
                comment=str(item.get("comment") or ""),
                line=i,
            )
        )
    if problems:
        raise ValidationError(
            _("%(source)s: some values are incomplete; nothing was imported.") % {"source": source},
            fields=problems,
        )
    return rows


def rows_from_csv(text: str, *, source: str = "dataValueSets.csv") -> list[ImportRow]:
    """The values of a DHIS2 CSV; a header row names the columns, else DHIS2's column order is assumed."""
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        all_rows = list(reader)
    except csv.Error:  # a field past the reader's limit (131.072 characters), e.g. an unclosed quote
        message = _(
            "%(source)s, line %(n)d: a field is longer than 131.072 characters or its quotes are not closed."
        ) % {"source": source, "n": reader.line_num}
        raise ValidationError(message, fields={f"line {reader.line_num}": message}) from None
    if not all_rows:
        raise ValidationError(_("%(source)s is empty.") % {"source": source}, fields={"file": _("Empty.")})
    header = [
        _ALIASES.get(h.strip().lower().replace("_", ""), h.strip().lower().replace("_", ""))
        for h in all_rows[0]
    ]
    if "dataelement" in header and "value" in header:
        columns = header
        body = all_rows[1:]
        first_line = 2
    else:
        columns = CSV_COLUMNS
        body = all_rows
        first_line = 1
    idx = {name: columns.index(name) for name in CSV_COLUMNS if name in columns}
    for required in ("dataelement", "period", "orgunit", "value"):
        if required not in idx:
            raise ValidationError(
                _("%(source)s: the column “%(col)s” is missing.") % {"source": source, "col": required},
                fields={required: _("Missing column.")},
            )
    rows: list[ImportRow] = []
    problems: dict[str, str] = {}

    def cell(r: list[str], name: str) -> str:
        i = idx.get(name)
        # A value exported by the product comes back as it was typed (see ketnoi.lib.exports).
        return unescape_text(r[i].strip()) if i is not None and i < len(r) else ""

    for n, r in enumerate(body, start=first_line):
        if not any(c.strip() for c in r):
            continue
        element, period, unit = cell(r, "dataelement"), cell(r, "period"), cell(r, "orgunit")
        missing = [
            name for name, v in (("dataelement", element), ("period", period), ("orgunit", unit)) if not v
        ]
        if missing:
            problems[f"line {n}"] = _("%(source)s, line %(n)d: missing %(fields)s.") % {
                "source": source,
                "n": n,
                "fields": ", ".join(missing),
            }
            continue
        rows.append(
            ImportRow(
                data_element=element,
                period=period,
                org_unit=unit,
                value="" if cell(r, "deleted").lower() == "true" else cell(r, "value"),
                option=cell(r, "categoryoptioncombo"),
                comment=cell(r, "comment"),
                line=n,
            )
        )
    if problems:
        raise ValidationError(
            _("%(source)s: some rows are incomplete; nothing was imported.") % {"source": source},
            fields=problems,
        )
    return rows


def export_values(
    *,
    for_user: Any,
    units: Sequence[Unit],
    children: bool = True,
    form: ReportForm | None = None,
    indicators: Sequence[str] = (),
    periods: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Iterator[dict[str, str]]:
    """The stored values (not aggregates) of the units (and their subtrees), as DHIS2 data values."""
    for unit in units:
        permissions.require(for_user, "view", unit)
    qs = DataValue.objects.all()
    uq = Q()
    for unit in units:
        uq |= Q(unit__path__startswith=unit.path) if children else Q(unit=unit)
    qs = qs.filter(uq)
    if form is not None:
        qs = qs.filter(indicator__forms=form)
    if indicators:
        qs = qs.filter(indicator__code__in=list(indicators))
    if periods:
        qs = qs.filter(period__in=[read_period(p).id for p in periods])
    if start is not None:
        qs = qs.filter(period_start__gte=start)
    if end is not None:
        qs = qs.filter(period_end__lte=end)
    rows = qs.order_by("period_start", "unit__path", "indicator__code", "option__sort_order").values_list(
        "indicator__code",
        "period",
        "unit__code",
        "option__code",
        "value",
        "stored_by__username",
        "updated_at",
        "comment",
        "option__disaggregation__code",
    )
    for element, period, unit_code, option, value, stored_by, updated, comment, category in rows.iterator(
        chunk_size=5000
    ):
        yield {
            "dataElement": element,
            "period": period,
            "orgUnit": unit_code,
            "categoryOptionCombo": option or "default",
            "attributeOptionCombo": "default",
            "value": value,
            "storedBy": stored_by or "",
            "lastUpdated": updated.isoformat(timespec="seconds") if updated else "",
            "comment": comment,
            "followup": "false",
            "category": category or "",  # for ADX only (the disaggregation's code)
        }


def to_json(values: Iterable[dict[str, str]], *, data_set: str = "") -> dict[str, Any]:
    doc: dict[str, Any] = {"dataValues": [{k: x for k, x in v.items() if k != "category"} for v in values]}
    if data_set:
        doc = {"dataSet": data_set, **doc}
    return doc


def to_csv(values: Iterable[dict[str, str]]) -> Iterator[str]:
    """CSV lines with DHIS2's header, streamed."""
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield buf.getvalue()
    for v in values:
        buf.seek(0)
        buf.truncate()
        writer.writerow(
            [
                v["dataElement"],
                v["period"],
                v["orgUnit"],
                v["categoryOptionCombo"],
                v["attributeOptionCombo"],
                v["value"],
                v["storedBy"],
                v["lastUpdated"],
                v["comment"],
                v["followup"],
                "false",
            ]
        )
        yield buf.getvalue()
