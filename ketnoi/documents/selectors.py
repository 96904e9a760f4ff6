"""Reads of report templates and documents, scoped to the caller's subtree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.documents.models import RenderJob, ReportDocument, ReportTemplate, SigningCertificate
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


def template_list(*, for_user: Actor) -> QuerySet[ReportTemplate]:
    """Templates of the units the caller sees and of the units above them (a province's template serves
    its communes)."""
    q = permissions.scope_q(for_user, "view", "unit")
    for top in permissions.top_units(for_user, "view"):
        steps = len(top.path) // Unit.steplen
        ancestors = [top.path[: i * Unit.steplen] for i in range(1, steps)]
        if ancestors:
            q |= Q(unit__path__in=ancestors)
    return ReportTemplate.objects.filter(q).select_related("unit").order_by("code")


def template_get(*, code: str, for_user: Actor) -> ReportTemplate:
    template = ReportTemplate.objects.select_related("unit").filter(code=code).first()
    if template is None:
        raise NotFound()
    if not template_list(for_user=for_user).filter(pk=template.pk).exists():
        raise PermissionDenied()
    return template


def document_list(*, for_user: Actor, status: str = "", unit: Unit | None = None) -> QuerySet[ReportDocument]:
    qs = ReportDocument.objects.filter(permissions.scope_q(for_user, "view", "unit")).select_related(
        "template", "unit"
    )
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.defer("body", "snapshot").order_by("-created_at", "-id")


def document_get(*, pk: int, for_user: Actor) -> ReportDocument:
    document = ReportDocument.objects.select_related("template", "unit").filter(pk=pk).first()
    if document is None:
        raise NotFound()
    if not permissions.can(for_user, "view", document.unit):
        raise PermissionDenied()
    return document


def job_get(*, pk: int, for_user: Actor) -> RenderJob:
    job = RenderJob.objects.select_related("document__unit").filter(pk=pk).first()
    if job is None:
        raise NotFound()
    if not permissions.can(for_user, "view", job.document.unit):
        raise PermissionDenied()
    return job


def certificate_list(*, for_user: Actor, unit: Unit | None = None) -> QuerySet[SigningCertificate]:
    qs = SigningCertificate.objects.filter(permissions.scope_q(for_user, "view", "unit")).select_related(
        "unit"
    )
    if unit is not None:
        # A unit signs with its own certificate or one of a unit above it (its Party committee's seal).
        steps = len(unit.path) // Unit.steplen
        qs = qs.filter(unit__path__in=[unit.path[: i * Unit.steplen] for i in range(1, steps + 1)])
    return qs.filter(active=True).order_by("-id")
