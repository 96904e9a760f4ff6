"""``ketnoi reporting_rollup``: the old name of ``ketnoi reporting-rollup`` (commands are named with hyphens),
kept for one release so scripts keep working; it says so on stderr. Remove in the release after next."""

from __future__ import annotations

import importlib
from typing import Any

from django.utils.translation import gettext as _

_current = importlib.import_module("ketnoi.reporting.management.commands.reporting-rollup")


class Command(_current.Command):  # type: ignore[name-defined]
    help = f"Old name of reporting-rollup (removed in the next release). {_current.Command.help}"

    def handle(self, *args: Any, **options: Any) -> Any:
        self.stderr.write(
            _("%(old)s is now called %(new)s; the old name goes in the next release.")
            % {"old": "reporting_rollup", "new": "reporting-rollup"}
        )
        return super().handle(*args, **options)
