"""``ketnoi fake-platforms --port N``: run the fake platforms of a source checkout (``tests/fakes``).

The fake Facebook, YouTube and Zalo servers belong to the test suite, not to the installed package: this
command finds them next to the package when it runs from a source checkout, and otherwise says so.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import ketnoi


class Command(BaseCommand):
    help = "Run the fake Facebook Graph, YouTube Data and Zalo OA servers of a source checkout (tests/fakes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765, help="Port on 127.0.0.1 (0 = any free port).")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        checkout = Path(ketnoi.__file__).resolve().parents[1]
        if not (checkout / "tests" / "fakes" / "serve.py").exists():
            raise CommandError(
                "The fake platforms are part of the source checkout (tests/fakes), "
                "not of the installed package."
            )
        sys.path.insert(0, str(checkout))
        from tests.fakes.serve import main

        main(["--host", options["host"], "--port", str(options["port"])])
