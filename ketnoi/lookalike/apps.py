from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The kinds of stored file this app serves through ketnoi.core.files.
EVIDENCE = "lookalike-evidence"
AVATAR = "lookalike-avatar"


class LookalikeConfig(AppConfig):
    name = "ketnoi.lookalike"
    label = "lookalike"
    verbose_name = _("Look-alike watch")

    def ready(self) -> None:
        from ketnoi.core import files
        from ketnoi.lookalike import selectors
        from ketnoi.pages import public

        def evidence(pk: int, user: Any) -> files.Stored:
            item = selectors.evidence_get(pk=pk, for_user=user)
            return files.Stored(item.file, item.file_name)

        def avatar(pk: int, user: Any) -> files.Stored:
            candidate = selectors.candidate_get(pk=pk, for_user=user)
            return files.Stored(candidate.avatar, f"avatar-{candidate.pk}.jpg")

        files.register(EVIDENCE, evidence)
        files.register(AVATAR, avatar)
        public.register_resemblance(resemblance)
        public.register_known_fakes(known_fakes)


def resemblance(url: str) -> dict[str, object] | None:
    """For the public link check: the official page an unregistered address resembles (and keep it)."""
    from ketnoi.lookalike import services

    return services.public_check_resemblance(url)


def known_fakes(page_ids: list[int]) -> dict[int, list[dict[str, object]]]:
    from ketnoi.lookalike import services

    return services.known_fakes(page_ids)
