"""Data value sets as XML: DHIS2's DXF2 ``dataValueSet`` and ADX (IHE Aggregate Data Exchange,
``application/adx+xml``), import and export, by codes like the JSON and CSV forms (``reporting.dhis2``).

DXF2 (``/api/dataValueSets`` with ``application/xml``)::

    <dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" dataSet="monthly" period="202007" orgUnit="BP-BGM">
      <dataValue dataElement="members" categoryOptionCombo="facebook" value="16" comment=""/>
    </dataValueSet>

ADX (``application/adx+xml``)::

    <adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-01-05T08:00:00Z">
      <group dataSet="weekly" orgUnit="BP-BGM-XPN" period="2026-01-26/P7D">
        <dataValue dataElement="members" PLATFORM="facebook" value="16"/>
      </group>
    </adx>

An ADX period is its first day and ISO 8601 duration (``P1D``, ``P7D``, ``P14D``, ``P1M``, ``P2M``, ``P3M``,
``P6M``, ``P1Y``); it names the DHIS2 period of that length starting that day (``2026-01-26/P7D`` is 2026W5,
``2026-04-01/P1Y`` is 2026April). A disaggregated value carries its category as an attribute: the
disaggregation's code, the option's code. Documents are parsed without DTDs, entities or network access: a
document with a DOCTYPE is refused (no XXE, no entity expansion).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting.services.imports import ImportRow

DXF2_NS = "http://dhis2.org/schema/dxf/2.0"
ADX_NS = "urn:ihe:qrph:adx:2015"
ADX_CONTENT_TYPE = "application/adx+xml"

# Duration of each period type in ADX; the start day and the duration name the period.
_DURATIONS: dict[str, str] = {
    P.DAILY: "P1D",
    P.WEEKLY: "P7D",
    P.WEEKLY_WEDNESDAY: "P7D",
    P.WEEKLY_THURSDAY: "P7D",
    P.WEEKLY_SATURDAY: "P7D",
    P.WEEKLY_SUNDAY: "P7D",
    P.BI_WEEKLY: "P14D",
    P.MONTHLY: "P1M",
    P.BI_MONTHLY: "P2M",
    P.QUARTERLY: "P3M",
    P.QUARTERLY_NOV: "P3M",
    P.HALF_YEARLY: "P6M",
    P.SIX_MONTHLY_APRIL: "P6M",
    P.SIX_MONTHLY_NOV: "P6M",
    P.YEARLY: "P1Y",
    P.FINANCIAL_APRIL: "P1Y",
    P.FINANCIAL_JULY: "P1Y",
    P.FINANCIAL_SEP: "P1Y",
    P.FINANCIAL_OCT: "P1Y",
    P.FINANCIAL_NOV: "P1Y",
}
_ADX_PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2})/(P(\d+)([DWMY]))$")
_RESERVED = {"dataElement", "value", "comment", "period", "orgUnit", "dataSet", "completeDate"}


def _parse(data: bytes, source: str) -> Any:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ValidationError(
            _("%(source)s: a document type declaration (DOCTYPE or ENTITY) is not accepted.")
            % {"source": source},
            fields={"body": "DOCTYPE"},
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)  # no DTD, entities or network (checked above)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise ValidationError(
            _("%(source)s: not well-formed XML (line %(line)d): %(error)s.")
            % {"source": source, "line": line, "error": exc.msg},
            fields={"body": f"line {line}"},
        ) from None


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _deleted(attrs: Any) -> bool:
    return str(attrs.get("deleted", "")).strip().lower() == "true"


def rows_from_dxf2(data: bytes, *, source: str = "dataValueSets.xml") -> tuple[list[ImportRow], str]:
    """The values of a DXF2 ``dataValueSet`` (or ``dataValueSets``) and the data set it names."""
    root = _parse(data, source)
    sets = (
        [root] if _local(root.tag) == "dataValueSet" else [e for e in root if _local(e.tag) == "dataValueSet"]
    )
    if _local(root.tag) not in ("dataValueSet", "dataValueSets"):
        raise ValidationError(
            _("%(source)s: expected a <dataValueSet> element, found <%(tag)s>.")
            % {"source": source, "tag": _local(root.tag)},
            fields={"body": _local(root.tag)},
        )
    rows: list[ImportRow] = []
    problems: dict[str, str] = {}
    data_set = ""
    n = 0
    for dvs in sets:
        data_set = data_set or str(dvs.get("dataSet") or "")
        for item in dvs:
            if _local(item.tag) != "dataValue":
                continue
            n += 1
            element = str(item.get("dataElement") or "")
            period = str(item.get("period") or dvs.get("period") or "")
            unit = str(item.get("orgUnit") or dvs.get("orgUnit") or "")
            missing = [
                k for k, v in (("dataElement", element), ("period", period), ("orgUnit", unit)) if not v
            ]
            if missing:
                problems[f"dataValue[{n}]"] = _("%(source)s, value %(n)d: missing %(fields)s.") % {
                    "source": source,
                    "n": n,
                    "fields": ", ".join(missing),
                }
                continue
            value = "" if _deleted(item) else str(item.get("value") or "")
            option = str(item.get("categoryOptionCombo") or "")
            rows.append(ImportRow(element, period, unit, value, option, str(item.get("comment") or ""), n))
    if problems:
        raise ValidationError(
            _("%(source)s: some values are incomplete; nothing was imported.") % {"source": source},
            fields=problems,
        )
    return rows, data_set


def adx_period(text: str) -> str:
    """The DHIS2 period id an ADX period names (``2026-01-26/P7D`` → ``2026W5``), or a 422 naming it."""
    m = _ADX_PERIOD.match(text.strip())
    if m:
        try:
            start = dt.date.fromisoformat(m[1])
        except ValueError:
            start = None
        if start is not None:
            for kind, duration in _DURATIONS.items():
                if duration == m[2]:
                    p = P.for_date(kind, start)
                    if p.start == start:
                        return p.id
            years = int(m[3]) if m[4] == "Y" else 0
            if years > 1 and start.month == 1 and start.day == 1:
                return P.span(start.year, start.year + years - 1).id
    raise ValidationError(
        _("%(period)s is not an ADX period (a first day and a duration: 2026-01-26/P7D, 2026-01-01/P1M).")
        % {"period": text[:60]},
        fields={"period": text[:60]},
    )


def to_adx_period(pid: str) -> str:
    p = P.parse(pid)
    duration = _DURATIONS.get(p.type) or f"P{p.end.year - p.start.year + 1}Y"
    return f"{p.start.isoformat()}/{duration}"


def rows_from_adx(data: bytes, *, source: str = "adx") -> tuple[list[ImportRow], str]:
    """The values of an ADX document (every group) and the first data set it names."""
    root = _parse(data, source)
    if _local(root.tag) != "adx":
        raise ValidationError(
            _("%(source)s: expected an <adx> element, found <%(tag)s>.")
            % {"source": source, "tag": _local(root.tag)},
            fields={"body": _local(root.tag)},
        )
    rows: list[ImportRow] = []
    problems: dict[str, str] = {}
    data_set = ""
    n = 0
    for group in root:
        if _local(group.tag) != "group":
            continue
        data_set = data_set or str(group.get("dataSet") or "")
        unit = str(group.get("orgUnit") or "")
        try:
            period = adx_period(str(group.get("period") or ""))
        except ValidationError as exc:
            problems[f"group[{len(problems) + 1}]"] = f"{source}: {exc.message}"
            continue
        for item in group:
            if _local(item.tag) != "dataValue":
                continue
            n += 1
            element = str(item.get("dataElement") or "")
            if not element or not unit:
                problems[f"dataValue[{n}]"] = _("%(source)s, value %(n)d: missing %(fields)s.") % {
                    "source": source,
                    "n": n,
                    "fields": ", ".join(k for k, v in (("dataElement", element), ("orgUnit", unit)) if not v),
                }
                continue
            categories = [str(v) for k, v in item.attrib.items() if k not in _RESERVED and k != "deleted"]
            if len(categories) > 1:
                problems[f"dataValue[{n}]"] = _("%(source)s, value %(n)d: one category at most.") % {
                    "source": source,
                    "n": n,
                }
                continue
            annotation = next((c.text or "" for c in item if _local(c.tag) == "annotation"), "")
            value = "" if _deleted(item) else str(item.get("value") or "")
            comment = str(item.get("comment") or annotation or "")
            rows.append(
                ImportRow(element, period, unit, value, categories[0] if categories else "", comment, n)
            )
    if problems:
        raise ValidationError(
            _("%(source)s: some values are incomplete; nothing was imported.") % {"source": source},
            fields=problems,
        )
    return rows, data_set


def _xml_chunks(root_open: str, root_close: str, items: Iterator[str]) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n' + root_open + "\n"
    yield from items
    yield root_close + "\n"


def _element(tag: str, attrs: dict[str, str]) -> str:
    node = etree.Element(tag, {k: v for k, v in attrs.items() if v not in ("", None)})
    return "  " + etree.tostring(node, encoding="unicode") + "\n"


def to_dxf2(values: Iterable[dict[str, str]], *, data_set: str = "") -> Iterator[str]:
    """A DXF2 ``dataValueSet`` document, streamed."""
    attrs = f' dataSet="{_escape(data_set)}"' if data_set else ""

    def items() -> Iterator[str]:
        for v in values:
            yield _element(
                "dataValue",
                {
                    "dataElement": v["dataElement"],
                    "period": v["period"],
                    "orgUnit": v["orgUnit"],
                    "categoryOptionCombo": v["categoryOptionCombo"],
                    "attributeOptionCombo": v["attributeOptionCombo"],
                    "value": v["value"],
                    "storedBy": v["storedBy"],
                    "lastUpdated": v["lastUpdated"],
                    "comment": v["comment"],
                    "followup": v["followup"],
                },
            )

    return _xml_chunks(f'<dataValueSet xmlns="{DXF2_NS}"{attrs}>', "</dataValueSet>", items())


def to_adx(values: Iterable[dict[str, str]], *, data_set: str = "") -> Iterator[str]:
    """An ADX document: one group per unit and period (values arrive ordered by period, then unit)."""
    exported = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def items() -> Iterator[str]:
        current: tuple[str, str] | None = None
        for v in values:
            key = (v["orgUnit"], v["period"])
            if key != current:
                if current is not None:
                    yield "  </group>\n"
                attrs = {"orgUnit": v["orgUnit"], "period": to_adx_period(v["period"]), "dataSet": data_set}
                opening = etree.tostring(
                    etree.Element("group", {k: x for k, x in attrs.items() if x}), encoding="unicode"
                )
                yield "  " + opening.replace("/>", ">") + "\n"
                current = key
            attrs = {"dataElement": v["dataElement"], "value": v["value"], "comment": v["comment"]}
            if v.get("category") and v["categoryOptionCombo"] != "default":
                attrs[v["category"]] = v["categoryOptionCombo"]
            yield "  " + _element("dataValue", attrs)
        if current is not None:
            yield "  </group>\n"

    return _xml_chunks(f'<adx xmlns="{ADX_NS}" exported="{exported}">', "</adx>", items())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
