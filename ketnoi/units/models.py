"""The unit hierarchy.

Two views of one hierarchy:

* ``Unit`` is a django-treebeard materialised-path tree holding the structure *as it is today*.
  Subtree checks (permissions, scoping) are prefix matches on ``path``. A unit that was merged or
  dissolved stays in the tree, moved under the unit that took it over, so everything attached to
  it (pages, reports, tasks) follows its successor without being copied.
* ``UnitVersion`` rows hold the structure *over time*: one row per span during which a unit had one
  parent and one name. The tree as of any date is read from them, so old periods keep showing the
  old structure.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from ketnoi.core.models import BaseModel


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    STATE_AGENCY = "state_agency", _("State agency")
    PARTY_AGENCY = "party_agency", _("Party advisory agency")
    FRONT = "front", _("Fatherland Front or mass organisation")
    CITY = "city", _("City")
    TOWN = "town", _("Town")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    ENTERPRISE_PARTY_COMMITTEE = "enterprise_party_committee", _("Enterprise party committee")
    GRASSROOTS = "grassroots", _("Grassroots unit")
    OTHER = "other", _("Other")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province level")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")
    GRASSROOTS = "grassroots", _("Grassroots level")


class Unit(MP_Node, BaseModel):  # type: ignore[django-manager-missing]
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    aliases = models.TextField(
        _("other names"), blank=True, help_text=_("One per line: names used for this unit in documents.")
    )
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40, choices=UnitKind.choices, default=UnitKind.OTHER)
    level = models.CharField(
        _("level"), max_length=20, choices=UnitLevel.choices, default=UnitLevel.GRASSROOTS
    )
    email = models.EmailField(_("official e-mail"), blank=True)
    valid_from = models.DateField(_("established on"), null=True, blank=True)
    valid_to = models.DateField(
        _("dissolved on"), null=True, blank=True, help_text=_("First day on which the unit no longer exists.")
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("taken over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild", "name_folded"])

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        return self.is_active_on(timezone.localdate())


class UnitVersion(models.Model):
    """One span of time during which a unit had one parent and one name (end exclusive)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    parent = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=255)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["valid_from", "valid_to"])]
        ordering = ["unit_id", "valid_from"]

    def __str__(self) -> str:
        return f"{self.name} [{self.valid_from} – {self.valid_to}]"


class ReorganisationKind(models.TextChoices):
    CREATE = "create", _("Establish")
    RENAME = "rename", _("Rename")
    MOVE = "move", _("Move")
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    DISSOLVE = "dissolve", _("Dissolve")


class Reorganisation(BaseModel):
    """A decision that changes the structure on an effective date.

    The dated structure (``UnitVersion``) is written at once; the tree of today is changed when the
    effective date arrives (at once when it has already passed).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ReorganisationKind.choices)
    effective_date = models.DateField(_("effective date"))
    decision = models.CharField(
        _("decision"), max_length=255, blank=True, help_text=_("Number of the decision")
    )
    note = models.TextField(_("note"), blank=True)
    units = models.ManyToManyField(Unit, related_name="reorganisations", verbose_name=_("units"))
    tree_moves = models.JSONField(
        default=list, help_text="[[unit_id, new_parent_id], ...] applied on the date"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"
