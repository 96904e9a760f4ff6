"""Helpers shared by the server-rendered forms of every app."""

from __future__ import annotations

from django import forms

from ketnoi.core.exceptions import ApplicationError


def add_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a domain error on a form: each field's message beside its field (or at the top when
    the form has no such field), and the error's own message at the top."""
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, str(message))
    form.add_error(None, str(exc.message))
