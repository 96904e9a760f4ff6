"""``ketnoi fake-platforms --port N``: run the local fake of Facebook, YouTube and Zalo by hand.

Point the connectors at it with the printed KETNOI_*_URL settings, register pages with the printed platform
ids, and enter the printed tokens: pulls then go to this server instead of the real platforms.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ketnoi.connectors.fakepublish import PublishingPlatforms


class Command(BaseCommand):
    help = "Run a local fake of the Facebook Graph, YouTube Data and Zalo OA APIs for trying the connectors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765, help="Port on 127.0.0.1 (0 = any free port).")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        fake = PublishingPlatforms()
        fake.add_facebook_page(
            "100000000000001", "fake-facebook-token-0001", name="Trang thử", followers=16000
        )
        fake.add_youtube_channel("UCfake0000000000000000001", "fake-youtube-token-0001", subscribers=5400)
        fake.add_zalo_oa(
            "4300000000000000001",
            app_id="fake-app",
            # Published sample values of the fake server, not secrets.
            secret_key="fake-app-secret",  # noqa: S106
            access_token="fake-zalo-access-0001",  # noqa: S106
            refresh_token="fake-zalo-refresh-0001",  # noqa: S106
            followers=2750,
        )
        fake.start(options["host"], options["port"])
        out = self.stdout
        out.write(self.style.SUCCESS(f"Fake platforms listening on {fake.base}"))
        out.write("Settings (environment) for the server and worker:")
        for name, url in fake.urls().items():
            out.write(f"  export {name}={url}")
        out.write("Sample accounts:")
        out.write("  facebook_page  platform id 100000000000001          token fake-facebook-token-0001")
        out.write("  youtube        platform id UCfake0000000000000000001 token fake-youtube-token-0001")
        out.write(
            "  zalo_oa        platform id 4300000000000000001      token fake-zalo-access-0001  "
            "refresh fake-zalo-refresh-0001  app fake-app / fake-app-secret"
        )
        out.write("Press Ctrl+C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            fake.stop()
