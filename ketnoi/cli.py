"""The ``ketnoi`` command: Django's management commands with the project's settings.

ketnoi demo            migrate, load the demo province and serve on http://127.0.0.1:8000
ketnoi migrate         ketnoi createsuperuser   ketnoi worker   ketnoi backup FILE ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["ketnoi", *argv])
    if len(args) > 1 and args[1] == "worker":
        # `ketnoi worker` runs the task queue (Huey's consumer).
        args = [args[0], "run_huey", *args[2:]]
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        # A configuration mistake (a missing secret key in production, say): one clear line, no traceback.
        print(f"Kết Nối cannot start: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
