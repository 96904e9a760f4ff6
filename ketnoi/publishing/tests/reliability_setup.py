"""Run in a separate process by ``test_reliability``: migrate a fresh database and register N Facebook pages
with the fake server's tokens (step ``pages``), or schedule a new story to all of them, due now (step
``story``, which prints the story's id). ``KETNOI_DATA_DIR`` / ``DATABASE_URL`` say which database.
"""

from __future__ import annotations

import os
import sys


def page_id(n: int) -> str:
    return f"{200000000000000 + n}"


def token(n: int) -> str:
    return f"EAAB-reliability-{n:04d}"


def main(step: str, pages: int, title: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from ketnoi.connectors.services import credential_set
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.pages.models import Page
    from ketnoi.pages.services import page_register
    from ketnoi.publishing.services import publications, stories
    from ketnoi.units.models import Unit
    from ketnoi.units.services import unit_create

    if step == "pages":
        call_command("migrate", interactive=False, verbosity=0)
        unit = unit_create(
            code="T", name="Tỉnh thử", kind="province", level="province", parent=None, by=SYSTEM
        )
        for n in range(pages):
            page = page_register(
                unit=unit,
                platform="facebook_page",
                name=f"Trang {n}",
                url=f"https://www.facebook.com/{page_id(n)}",
                platform_id=page_id(n),
                by=SYSTEM,
            )
            credential_set(page=page, access_token=token(n), expires_at=None, by=SYSTEM)
        return
    unit = Unit.objects.get(code="T")
    story = stories.story_create(unit=unit, title=title, body=f"{title}: nội dung thử độ tin cậy.", by=SYSTEM)
    stories.story_submit(story=story, by=SYSTEM)
    stories.story_approve(story=story, by=SYSTEM)
    publications.publication_schedule(
        story=story, pages=list(Page.objects.order_by("pk")), at=timezone.now(), by=SYSTEM
    )
    sys.stdout.write(f"{story.pk}\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "")
