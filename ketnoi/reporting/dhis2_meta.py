"""DHIS2-shaped metadata: organisation units (our units), data elements (indicators) and data sets (forms),
read and written by code. A DHIS2 ``id`` here is the object's code (Kết Nối has no DHIS2 uids); an import may
name objects by ``code`` or ``id``.

Reads are scoped like the caller (units of their subtree; forms and indicators they may see); writes go
through the services (``units.services``, ``reporting.services``) and their rights: ``reorganise`` for units,
``manage`` for indicators and forms. ``metadata_import`` is all-or-nothing and answers DHIS2's import report
(``status``, ``stats`` created/updated/deleted/ignored/total, ``typeReports``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services
from ketnoi.reporting.models import (
    DHIS2_VALUE_TYPES,
    Aggregation,
    FormIndicator,
    Indicator,
    ReportForm,
)
from ketnoi.units import selectors as unit_selectors
from ketnoi.units import services as unit_services
from ketnoi.units.models import Unit, UnitKind, UnitLevel

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

FROM_DHIS2_VALUE_TYPES = {v: k for k, v in DHIS2_VALUE_TYPES.items()}
_AGGREGATION: dict[str, str] = {
    Aggregation.SUM: "SUM",
    Aggregation.AVERAGE: "AVERAGE",
    Aggregation.AVERAGE_WEIGHTED: "AVERAGE",
    Aggregation.LAST: "LAST",
    Aggregation.MIN: "MIN",
    Aggregation.MAX: "MAX",
    Aggregation.NONE: "NONE",
}


def org_unit_json(unit: Unit, parent_codes: dict[int, str | None] | None = None) -> dict[str, Any]:
    parent = (parent_codes or {}).get(unit.pk) if parent_codes is not None else _parent_code(unit)
    doc: dict[str, Any] = {
        "id": unit.code,
        "code": unit.code,
        "name": unit.name,
        "displayName": unit.name,
        "shortName": unit.short_name or unit.name,
        "level": unit.depth,
        "openingDate": unit.valid_from.isoformat() if unit.valid_from else None,
        "closedDate": unit.valid_to.isoformat() if unit.valid_to else None,
    }
    if parent:
        doc["parent"] = {"id": parent, "code": parent}
    return doc


def _parent_code(unit: Unit) -> str | None:
    parent = unit.get_parent()
    return parent.code if parent is not None else None


def data_element_json(ind: Indicator) -> dict[str, Any]:
    return {
        "id": ind.code,
        "code": ind.code,
        "name": ind.name,
        "displayName": ind.name,
        "shortName": ind.name[:50],
        "valueType": DHIS2_VALUE_TYPES.get(ind.value_type, "NUMBER"),
        "aggregationType": _AGGREGATION.get(ind.unit_aggregation, "SUM"),
        "domainType": "AGGREGATE",
    }


def data_set_json(form: ReportForm) -> dict[str, Any]:
    codes = list(
        FormIndicator.objects.filter(form=form)
        .order_by("sort_order")
        .values_list("indicator__code", flat=True)
    )
    units = list(form.units.order_by("path").values_list("code", flat=True))
    return {
        "id": form.code,
        "code": form.code,
        "name": form.name,
        "displayName": form.name,
        "periodType": P.DHIS2_NAMES.get(form.period_type, "Yearly"),
        "expiryDays": form.deadline_days,
        "dataSetElements": [{"dataElement": {"id": c, "code": c}} for c in codes],
        "organisationUnits": [{"id": c, "code": c} for c in units],
    }


def org_units(*, for_user: Any, level: int | None = None, under: Unit | None = None) -> Any:
    qs = unit_selectors.unit_list(for_user=for_user, under=under)
    if level is not None:
        qs = qs.filter(depth=level)
    return qs


def metadata_export(*, for_user: Any) -> dict[str, Any]:
    """The caller's units, the indicators and forms they may see, in DHIS2's metadata shape."""
    units = list(org_units(for_user=for_user))
    parents = unit_selectors.code_parent_map(units)
    return {
        "system": {"name": "Kết Nối"},
        "organisationUnits": [org_unit_json(u, parents) for u in units],
        "dataElements": [data_element_json(i) for i in selectors.indicator_list(for_user=for_user)],
        "dataSets": [data_set_json(f) for f in selectors.form_list(for_user=for_user)],
    }


def _code(obj: Any, where: str) -> str:
    code = (
        str((obj or {}).get("code") or (obj or {}).get("id") or "").strip() if isinstance(obj, dict) else ""
    )
    if not code:
        raise ValidationError(
            _("%(where)s: every object needs a code (or id).") % {"where": where},
            fields={where: _("Required.")},
        )
    return code


def _refs(items: Any, where: str) -> list[str]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValidationError(_("%(where)s must be a list.") % {"where": where}, fields={where: _("A list.")})
    out = []
    for item in items:
        inner = item.get("dataElement", item) if isinstance(item, dict) else item
        out.append(_code(inner, where))
    return out


class _Report:
    def __init__(self) -> None:
        self.types: dict[str, dict[str, int]] = {}

    def count(self, klass: str, what: str) -> None:
        stats = self.types.setdefault(
            klass, {"created": 0, "updated": 0, "deleted": 0, "ignored": 0, "total": 0}
        )
        stats[what] += 1
        stats["total"] += 1

    def as_dhis2(self, dry_run: bool) -> dict[str, Any]:
        total = {"created": 0, "updated": 0, "deleted": 0, "ignored": 0, "total": 0}
        for stats in self.types.values():
            for k, v in stats.items():
                total[k] += v
        return {
            "status": "OK",
            "dryRun": dry_run,
            "stats": total,
            "typeReports": [{"klass": k, "stats": v} for k, v in self.types.items()],
        }


def _unit_parent(doc: dict[str, Any], by: Actor) -> Unit | None:
    parent = doc.get("parent")
    if not parent:
        return None
    return unit_selectors.unit_get(code=_code(parent, "parent"), for_user=by)


@permissions.gated
@transaction.atomic
def metadata_import(*, payload: Any, by: Actor, dry_run: bool = False) -> dict[str, Any]:
    """Create or update, by code, the organisation units, data elements and data sets of a DHIS2 metadata
    document (in that order, so a data set may name units and elements created by the same document)."""
    if not isinstance(payload, dict):
        raise ValidationError(_("metadata: expected an object."), fields={"body": _("An object.")})
    report = _Report()
    for i, doc in enumerate(payload.get("organisationUnits") or [], start=1):
        code = _code(doc, f"organisationUnits[{i}]")
        name = str(doc.get("name") or doc.get("shortName") or "").strip()
        existing = Unit.objects.filter(code=code).first()
        if existing is None:
            unit_services.unit_create(
                code=code,
                name=name,
                kind=UnitKind.OTHER,
                level=UnitLevel.GRASSROOTS,
                parent=_unit_parent(doc, by),
                by=by,
                short_name=str(doc.get("shortName") or "")[:100],
            )
            report.count("OrganisationUnit", "created")
        else:
            permissions.require(by, "reorganise", existing)
            changes = {"short_name": str(doc["shortName"])[:100]} if doc.get("shortName") else {}
            if name and name != existing.name:
                unit_services.unit_rename(
                    unit=existing, new_name=name, effective_date=timezone.localdate(), by=by
                )
            if changes:
                unit_services.unit_update(unit=existing, by=by, **changes)
            report.count("OrganisationUnit", "updated")
    for i, doc in enumerate(payload.get("dataElements") or [], start=1):
        code = _code(doc, f"dataElements[{i}]")
        value_type = FROM_DHIS2_VALUE_TYPES.get(str(doc.get("valueType") or "INTEGER"))
        if value_type is None:
            raise ValidationError(
                _("dataElements[%(n)d]: value type %(vt)s is not supported (%(list)s).")
                % {"n": i, "vt": doc.get("valueType"), "list": ", ".join(DHIS2_VALUE_TYPES.values())},
                fields={f"dataElements[{i}].valueType": str(doc.get("valueType"))},
            )
        ind = Indicator.objects.filter(code=code).first()
        name = str(doc.get("name") or doc.get("shortName") or code)
        if ind is None:
            services.indicator_create(code=code, name=name, by=by, value_type=value_type)
            report.count("DataElement", "created")
        else:
            services.indicator_update(indicator=ind, by=by, name=name, value_type=value_type)
            report.count("DataElement", "updated")
    for i, doc in enumerate(payload.get("dataSets") or [], start=1):
        code = _code(doc, f"dataSets[{i}]")
        period_type = P.FROM_DHIS2_NAME.get(str(doc.get("periodType") or ""))
        if period_type is None:
            raise ValidationError(
                _("dataSets[%(n)d]: period type %(pt)s is not one of DHIS2's (%(list)s).")
                % {"n": i, "pt": doc.get("periodType"), "list": ", ".join(P.DHIS2_NAMES.values())},
                fields={f"dataSets[{i}].periodType": str(doc.get("periodType"))},
            )
        elements = _refs(doc.get("dataSetElements"), f"dataSets[{i}].dataSetElements")
        unit_codes = _refs(doc.get("organisationUnits"), f"dataSets[{i}].organisationUnits")
        units = [unit_selectors.unit_get(code=c, for_user=by) for c in unit_codes]
        form = ReportForm.objects.filter(code=code).first()
        name = str(doc.get("name") or code)
        if form is None:
            owner = _owner(units, by)
            services.form_create(
                code=code,
                name=name,
                period_type=period_type,
                owner=owner,
                by=by,
                indicators=elements,
                units=units,
                deadline_days=int(doc.get("expiryDays") or 10),
            )
            report.count("DataSet", "created")
        else:
            if period_type != form.period_type:
                raise ValidationError(
                    _("dataSets[%(n)d]: the period type of %(form)s cannot change.")
                    % {"n": i, "form": form.name},
                    fields={f"dataSets[{i}].periodType": str(doc.get("periodType"))},
                )
            services.form_update(form=form, by=by, name=name)
            services.form_set_indicators(form=form, indicators=elements, by=by)
            services.form_set_units(form=form, units=units, by=by)
            report.count("DataSet", "updated")
    if dry_run:
        transaction.set_rollback(True)
    return report.as_dhis2(dry_run)


def _owner(units: Sequence[Unit], by: Actor) -> Unit:
    """The owner of a new form: the lowest unit whose subtree holds all its reporting units, else the caller's
    top unit."""
    tops = permissions.top_units(by, "manage")
    if not units:
        if not tops:
            raise ValidationError(_("You manage no unit that could own this data set."))
        return tops[0]
    common = units[0].path
    for u in units[1:]:
        while not u.path.startswith(common):
            common = common[: -Unit.steplen]
    owner = Unit.objects.filter(path=common).first()
    if owner is None:
        raise ValidationError(_("The units of a data set must share one unit above them."))
    return owner
