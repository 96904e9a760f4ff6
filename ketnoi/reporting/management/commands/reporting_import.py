"""``ketnoi reporting_import``: the old name of ``ketnoi reporting-import`` (commands are named with hyphens),
kept for one release so scripts keep working; it says so on stderr. Remove in the release after next."""

from __future__ import annotations

import importlib
from typing import Any

from django.utils.translation import gettext as _

_current = importlib.import_module("ketnoi.reporting.management.commands.reporting-import")


class Command(_current.Command):  # type: ignore[name-defined]
    help = f"Old name of reporting-import (removed in the next release). {_current.Command.help}"

    def handle(self, *args: Any, **options: Any) -> Any:
        self.stderr.write(
            _("%(old)s is now called %(new)s; the old name goes in the next release.")
            % {"old": "reporting_import", "new": "reporting-import"}
        )
        return super().handle(*args, **options)
