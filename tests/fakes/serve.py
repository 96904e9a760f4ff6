"""``python -m tests.fakes.serve --port N`` (from a source checkout): run the fake platforms by hand.

Point the connectors at it with the printed KETNOI_*_URL settings, register pages with the printed platform
ids, and enter the printed tokens: pulls then go to this server instead of the real platforms. The fake is
part of the test suite, not of the installed product (the demo never starts it).
"""

from __future__ import annotations

import argparse
import sys
import time

from tests.fakes.publish import PublishingPlatforms


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765, help="Port on 127.0.0.1 (0 = any free port).")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    fake = PublishingPlatforms(accept_demo=True)
    fake.add_facebook_page("100000000000001", "fake-facebook-token-0001", name="Trang thử", followers=16000)
    fake.add_youtube_channel("UCfake0000000000000000001", "fake-youtube-token-0001", subscribers=5400)
    fake.add_zalo_oa(
        "4300000000000000001",
        app_id="fake-app",
        # Published sample values of the fake server, not secrets.
        secret_key="fake-app-secret",
        access_token="fake-zalo-access-0001",
        refresh_token="fake-zalo-refresh-0001",
        followers=2750,
    )
    fake.start(args.host, args.port)
    say(f"Fake platforms listening on {fake.base}")
    say("Settings (environment) for the server and worker:")
    for name, url in fake.urls().items():
        say(f"  export {name}={url}")
    say("Sample accounts:")
    say("  facebook_page  platform id 100000000000001          token fake-facebook-token-0001")
    say("  youtube        platform id UCfake0000000000000000001 token fake-youtube-token-0001")
    say(
        "  zalo_oa        platform id 4300000000000000001      token fake-zalo-access-0001  "
        "refresh fake-zalo-refresh-0001  app fake-app / fake-app-secret"
    )
    say("  facebook_page  any demo page's platform id           token beginning with demo- (publishing)")
    say("Press Ctrl+C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
