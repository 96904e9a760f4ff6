from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "ketnoi.directives"
    label = "directives"
    verbose_name = _("Directives and tasks")

    def ready(self) -> None:
        from ketnoi.core import files
        from ketnoi.directives import selectors

        def attachment(pk: int, user: Any) -> files.Stored:
            attached = selectors.document_file_get(pk=pk, for_user=user)
            return files.Stored(attached.file, attached.name)

        def evidence(pk: int, user: Any) -> files.Stored:
            update = selectors.evidence_get(pk=pk, for_user=user)
            return files.Stored(update.file, update.shown_file_name)

        files.register(ATTACHMENT, attachment)
        files.register(EVIDENCE, evidence)


# The kinds of stored file this app serves through ketnoi.core.files.
ATTACHMENT = "document-file"
EVIDENCE = "evidence"
