"""Live blocks of a report: each computed through the selector of the app that owns the figure, never by a
roll-up of its own, and each recording where its numbers came from (its ``source``).

A block's spec (in ``ReportTemplate.blocks``) names its kind and parameters:

* ``figure``       {"indicator": CODE, "unit": CODE?, "period": ID?} or {"pages": "grassroots"|"official"}
* ``table_units``  {"indicators": [CODE, ...]}: one row per unit directly under the report's unit
* ``table_periods``{"indicators": [...], "periods": [ID, ...]}: one row per period
* ``top_pages``    {"limit": N}: the official pages with the largest audience, with their figures
* ``tasks``        {"document": "23-CT/TU"}: the progress of a directive's tasks by lead unit
* ``chart``        {"indicator": CODE, "by": "units"|"periods"} or {"pages": "grassroots"}: a bar chart
* ``footnote``     {"pages": "grassroots"} or {"indicator": CODE}: a total broken down by unit, as a footnote

A computed block is plain JSON: what the renderer prints, frozen as it is in an issued document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import NotFound, PermissionDenied, ValidationError
from ketnoi.core.permissions import can
from ketnoi.directives import selectors as directive_selectors
from ketnoi.directives.models import Document
from ketnoi.lib import periods as P
from ketnoi.pages import selectors as page_selectors
from ketnoi.pages.models import MetricSnapshot, PageStatus
from ketnoi.reporting import selectors as reporting
from ketnoi.units.models import Unit
from ketnoi.units.selectors import UnitOnDate, children_as_of, subtree_ids_as_of, tree_as_of

KINDS = ("figure", "table_units", "table_periods", "top_pages", "tasks", "chart", "footnote")
INLINE_KINDS = ("figure", "footnote")


@dataclass
class Context:
    unit: Unit
    period: P.Period
    for_user: Any
    day: dt.date = field(default_factory=timezone.localdate)  # the report's own date ("tính đến nay")
    _tree: dict[int, UnitOnDate] | None = field(default=None, repr=False)

    def name(self, unit: Unit) -> str:
        """The unit's name on ``as_of`` (a 2020 report names the 2020 units)."""
        node = self.tree().get(unit.pk)
        return node.name if node is not None else unit.name

    def tree(self) -> dict[int, UnitOnDate]:
        """The hierarchy as it stood on ``as_of`` (read once per render)."""
        if self._tree is None:
            self._tree = tree_as_of(self.as_of)
        return self._tree

    def subtree(self, unit_id: int) -> set[int]:
        """``unit_id`` and the units under it on ``as_of`` (today's subtree for a unit not in that tree)."""
        unit = Unit.objects.get(pk=unit_id) if unit_id != self.unit.pk else self.unit
        found = subtree_ids_as_of(unit, self.as_of, self.tree())
        return found or set(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))

    @property
    def as_of(self) -> dt.date:
        """The date of the tree and of page figures: the period's last day, or today while it runs."""
        return min(self.period.end, timezone.localdate())


def fmt(value: float | None, decimals: int = 0) -> str:
    """16.000 / 98 / 12,5 in the active language; a dash for no figure."""
    if value is None:
        return "–"
    if decimals == 0 or float(value).is_integer():
        return number_format(round(value), force_grouping=True)
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def inline_keys(blocks: dict[str, Any]) -> set[str]:
    return {k for k, spec in blocks.items() if isinstance(spec, dict) and spec.get("kind") in INLINE_KINDS}


def check_specs(blocks: Any) -> None:
    """A template's blocks, refused with the block named when a kind or a parameter is missing."""
    if not isinstance(blocks, dict):
        raise ValidationError(_("Live blocks must be an object of named blocks."), fields={"blocks": "{}"})
    for key, spec in blocks.items():
        kind = spec.get("kind") if isinstance(spec, dict) else None
        if kind not in KINDS:
            raise ValidationError(
                _("Block %(key)s: unknown kind (one of %(kinds)s).")
                % {"key": key, "kinds": ", ".join(KINDS)},
                fields={"blocks": key},
            )
        needs = {"table_units": "indicators", "table_periods": "indicators", "chart": "indicator"}.get(kind)
        if needs and not spec.get(needs) and not spec.get("pages"):
            raise ValidationError(
                _("Block %(key)s: %(field)s is missing.") % {"key": key, "field": needs},
                fields={"blocks": key},
            )


def _unit(spec: dict[str, Any], ctx: Context) -> Unit:
    code = spec.get("unit")
    if not code:
        return ctx.unit
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(_("No unit with code %(code)s.") % {"code": code})
    if not can(ctx.for_user, "view", unit):
        raise PermissionDenied()
    return unit


def _period(spec: dict[str, Any], ctx: Context) -> P.Period:
    return reporting.parse_periods([spec["period"]])[0] if spec.get("period") else ctx.period


def _periods(spec: dict[str, Any], ctx: Context) -> list[P.Period]:
    """The periods a spec names, or the ``last`` N periods ending with the report's, or the report's."""
    if spec.get("periods"):
        return reporting.parse_periods(list(spec["periods"]))
    out = [ctx.period]
    for _i in range(int(spec.get("last", 1)) - 1):
        out.insert(0, out[0].previous())
    return out


def _source(ctx: Context, **parts: Any) -> dict[str, Any]:
    return {"tree_as_of": ctx.as_of.isoformat(), **parts}


def _children(unit: Unit, day: dt.date) -> list[Unit]:
    nodes = children_as_of(unit.pk, day)
    found = Unit.objects.in_bulk([n.id for n in nodes])
    return [found[n.id] for n in nodes if n.id in found]


def _pages(ctx: Context, unit_ids: set[int], grassroots: bool) -> Any:
    """The official (or grassroots) pages of units, as the caller may see them (the pages app's selector)."""
    return (
        page_selectors.page_list(for_user=ctx.for_user, grassroots=grassroots)
        .filter(unit_id__in=unit_ids)
        .exclude(status=PageStatus.RETIRED)
    )


def _pages_by_child(ctx: Context) -> list[tuple[str, int]]:
    """Grassroots pages per unit directly under the report's unit on ``as_of``, largest first."""
    out = []
    for node in children_as_of(ctx.unit.pk, ctx.as_of):
        n = _pages(ctx, ctx.subtree(node.id), True).count()
        if n:
            out.append((node.name, n))
    return sorted(out, key=lambda r: -r[1])


def figure(spec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    unit = _unit(spec, ctx)
    if spec.get("pages"):
        grassroots = spec["pages"] == "grassroots"
        count = _pages(ctx, ctx.subtree(unit.pk), grassroots).count()
        return {
            "kind": "figure",
            "value": count,
            "text": fmt(count),
            "source": _source(
                ctx, what=_("grassroots pages") if grassroots else _("official pages"), units=[unit.code]
            ),
        }
    period = _period(spec, ctx)
    ind = reporting.indicators_by_codes([spec["indicator"]])[0]
    value = reporting.aggregate(indicators=[ind], unit=unit, periods=[period]).get((ind.code, period.id))
    return {
        "kind": "figure",
        "value": value,
        "text": fmt(value, int(spec.get("decimals", 1))),
        "source": _source(ctx, indicator=ind.code, what=ind.name, units=[unit.code], periods=[period.id]),
    }


def table_units(spec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    inds = reporting.indicators_by_codes(list(spec["indicators"]))
    period = _period(spec, ctx)
    rows = []
    units = _children(ctx.unit, ctx.as_of)
    for u in [*units, ctx.unit]:
        agg = reporting.aggregate(indicators=inds, unit=u, periods=[period])
        cells = [agg.get((i.code, period.id)) for i in inds]
        label = ctx.name(u) if u != ctx.unit else _("Total")
        rows.append([label, *[fmt(v, 1) for v in cells]])
    return {
        "kind": "table",
        "title": spec.get("title", ""),
        "header": [_("Unit"), *[i.name for i in inds]],
        "rows": rows,
        "total_row": True,
        "source": _source(
            ctx,
            indicator=", ".join(i.code for i in inds),
            what=", ".join(i.name for i in inds),
            units=[u.code for u in units] + [ctx.unit.code],
            periods=[period.id],
        ),
    }


def table_periods(spec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    inds = reporting.indicators_by_codes(list(spec["indicators"]))
    periods = _periods(spec, ctx)
    agg = reporting.aggregate(indicators=inds, unit=ctx.unit, periods=periods)
    rows = [[p.label(), *[fmt(agg.get((i.code, p.id)), 1) for i in inds]] for p in periods]
    return {
        "kind": "table",
        "title": spec.get("title", ""),
        "header": [_("Period"), *[i.name for i in inds]],
        "rows": rows,
        "total_row": False,
        "source": _source(
            ctx,
            indicator=", ".join(i.code for i in inds),
            what=", ".join(i.name for i in inds),
            units=[ctx.unit.code],
            periods=[p.id for p in periods],
        ),
    }


def _latest(field: str, day: dt.date) -> Subquery:
    return Subquery(
        MetricSnapshot.objects.filter(page=OuterRef("pk"), day__lte=day, **{f"{field}__isnull": False})
        .order_by("-day")
        .values(field)[:1]
    )


def top_pages(spec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    limit = int(spec.get("limit", 7))
    day = ctx.day  # audiences "to date": the report's own day
    pages = _pages(ctx, ctx.subtree(ctx.unit.pk), False).annotate(
        likes=_latest("likes", day), followers=_latest("followers", day), members=_latest("members", day)
    )
    ranked = sorted(
        pages,
        key=lambda p: -max(p.likes or 0, p.followers or 0, p.members or 0),
    )
    chosen = [p for p in ranked if (p.likes or p.followers or p.members)][:limit]
    rows = []
    phrases = []
    for p in chosen:
        parts = []
        if p.likes:
            parts.append(_("%(n)s likes") % {"n": fmt(p.likes)})
        if p.followers:
            parts.append(_("%(n)s followers") % {"n": fmt(p.followers)})
        if p.members:
            parts.append(_("%(n)s members") % {"n": fmt(p.members)})
        phrases.append(f"{p.name} ({', '.join(parts)})")
        rows.append([p.name, ctx.name(p.unit), fmt(p.likes), fmt(p.followers), fmt(p.members)])
    return {
        "kind": "list",
        "text": "; ".join(phrases),
        "header": [_("Page"), _("Unit"), _("Likes"), _("Followers"), _("Members")],
        "rows": rows,
        "source": _source(
            ctx,
            what=_("page figures on or before %(day)s") % {"day": day.strftime("%d/%m/%Y")},
            units=[ctx.unit.code],
        ),
    }


def tasks(spec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    number = str(spec.get("document", ""))
    doc = Document.objects.filter(number=number).order_by("issued_on", "id").first() if number else None
    if doc is None:
        raise ValidationError(
            _("No document %(number)s in the register.") % {"number": number}, fields={"blocks": number}
        )
    # The directive's own tasks and those of the documents that carry it out or cite it (plans, reviews).
    docs = [doc, *Document.objects.filter(links_out__target=doc).distinct()]
    found = []
    ids = ctx.subtree(ctx.unit.pk)
    for d in docs:
        found += [
            t
            for t in directive_selectors.task_list(for_user=ctx.for_user, document=d, top_only=True)
            if t.lead_unit_id in ids
        ]
    rows = []
    totals = [0, 0, 0, 0]
    for r in directive_selectors.progress_by_unit(tasks=found):
        in_progress = r.total - r.done - r.overdue
        rows.append(
            [ctx.name(r.unit), fmt(r.total), fmt(r.done), fmt(in_progress), fmt(r.overdue), f"{r.progress}%"]
        )
        for i, v in enumerate((r.total, r.done, in_progress, r.overdue)):
            totals[i] += v
    rows.append([_("Total"), *[fmt(v) for v in totals], ""])
    return {
        "kind": "table",
        "title": spec.get("title", ""),
        "header": [_("Lead unit"), _("Tasks"), _("Done"), _("In progress"), _("Overdue"), _("Progress")],
        "rows": rows,
        "total_row": True,
        "done": totals[1],
        "source": _source(
            ctx,
            what=_("tasks of %(doc)s") % {"doc": doc.label},
            units=[ctx.unit.code],
            day=timezone.localdate().isoformat(),
        ),
    }


def chart(spec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    labels: list[str] = []
    values: list[float] = []
    if spec.get("pages"):
        for name, n in _pages_by_child(ctx):
            labels.append(name)
            values.append(float(n))
        return {
            "kind": "chart",
            "title": spec.get("title") or _("Grassroots pages by unit"),
            "labels": labels,
            "values": values,
            "source": _source(ctx, what=_("grassroots pages by unit"), units=[ctx.unit.code]),
        }
    ind = reporting.indicators_by_codes([spec["indicator"]])[0]
    if spec.get("by", "units") == "periods":
        periods = _periods(spec, ctx)
        agg = reporting.aggregate(indicators=[ind], unit=ctx.unit, periods=periods)
        for p in periods:
            labels.append(p.label())
            values.append(agg.get((ind.code, p.id)) or 0.0)
        units = [ctx.unit.code]
        period_ids = [p.id for p in periods]
    else:
        children = _children(ctx.unit, ctx.as_of)
        for u in children:
            v = reporting.aggregate(indicators=[ind], unit=u, periods=[ctx.period]).get(
                (ind.code, ctx.period.id)
            )
            labels.append(ctx.name(u))
            values.append(v or 0.0)
        units = [u.code for u in children]
        period_ids = [ctx.period.id]
    return {
        "kind": "chart",
        "title": spec.get("title") or ind.name,
        "labels": labels,
        "values": values,
        "source": _source(ctx, indicator=ind.code, what=ind.name, units=units, periods=period_ids),
    }


def footnote(spec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    parts: list[str] = []
    total = 0.0
    if spec.get("pages"):
        for name, n in _pages_by_child(ctx):
            parts.append(_("%(unit)s (%(n)s pages)") % {"unit": name, "n": fmt(n)})
            total += n
        source = _source(ctx, what=_("grassroots pages by unit"), units=[ctx.unit.code])
    else:
        ind = reporting.indicators_by_codes([spec["indicator"]])[0]
        children = _children(ctx.unit, ctx.as_of)
        for u in children:
            v = reporting.aggregate(indicators=[ind], unit=u, periods=[ctx.period]).get(
                (ind.code, ctx.period.id)
            )
            if v:
                parts.append(f"{ctx.name(u)} {fmt(v, 1)}")
                total += v
        source = _source(
            ctx, indicator=ind.code, what=ind.name, units=[u.code for u in children], periods=[ctx.period.id]
        )
    return {"kind": "footnote", "text": "; ".join(parts) + ".", "total": total, "source": source}


_COMPUTE = {
    "figure": figure,
    "table_units": table_units,
    "table_periods": table_periods,
    "top_pages": top_pages,
    "tasks": tasks,
    "chart": chart,
    "footnote": footnote,
}


def compute(spec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _COMPUTE[spec["kind"]](spec, ctx)


def compute_all(blocks: dict[str, Any], keys: list[str], ctx: Context) -> dict[str, Any]:
    """The computed blocks the text uses (a key with no spec becomes a visible gap, never a crash)."""
    out: dict[str, Any] = {}
    for key in keys:
        spec = blocks.get(key)
        if not isinstance(spec, dict) or spec.get("kind") not in _COMPUTE:
            out[key] = {"kind": "missing", "text": f"[{key}?]", "source": {}}
            continue
        out[key] = compute(spec, ctx)
    return out
