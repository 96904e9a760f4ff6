"""The period labels of ``ketnoi.lib.periods``, declared in this app so that its Vietnamese catalogue
(``makemessages`` run here) always carries their translations: ``ketnoi/lib`` has no catalogue of its own."""

from __future__ import annotations

from django.utils.translation import gettext_noop

PERIOD_LABELS = (
    gettext_noop("Month %(m)02d/%(y)d"),
    gettext_noop("Quarter %(q)d/%(y)d"),
    gettext_noop("First half of %(y)d"),
    gettext_noop("Second half of %(y)d"),
    gettext_noop("Year %(y)d"),
    gettext_noop("Period %(a)d–%(b)d"),
)
