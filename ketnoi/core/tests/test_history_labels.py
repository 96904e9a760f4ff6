"""Every field a history row can name has a Vietnamese label (no "Submitted by" on a Vietnamese screen)."""

from __future__ import annotations

from django.apps import apps
from django.utils import translation

LOANWORDS = {"email", "url", "api", "id", "zalo", "youtube", "facebook", "tiktok"}
# Apps still being built this session by another engineer; their labels are a follow-up (see notes).
PENDING: set[str] = set()


def tracked_fields():
    for model in apps.get_models():
        history = getattr(model, "history", None)
        if history is None or not hasattr(history, "model") or model._meta.app_label in PENDING:
            continue
        names = {f.name for f in history.model._meta.fields}
        for field in model._meta.fields:
            if field.name in names and field.name not in {"id", "created_at", "updated_at"}:
                yield model, field


def test_every_field_in_history_has_a_vietnamese_label():
    untranslated = []
    for model, field in tracked_fields():
        with translation.override("en"):
            english = str(field.verbose_name)
        with translation.override("vi"):
            vietnamese = str(field.verbose_name)
        if english == vietnamese and english.lower() not in LOANWORDS:
            untranslated.append(f"{model._meta.label}.{field.name}: {english}")
    assert untranslated == []
