"""The credential form: write-only (nothing typed is ever rendered back)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"]


class CredentialForm(forms.Form):
    access_token = forms.CharField(
        label=_("Access token"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Paste the page's access token. It is stored encrypted and never shown again."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "As shown by the platform when the token was created. Leave empty if it does not expire."
        ),
    )
    refresh_token = forms.CharField(
        label=_("Refresh token"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Zalo only: with it the access token is renewed automatically every day."),
    )
    app_id = forms.CharField(label=_("App id"), required=False, max_length=64)
    app_secret = forms.CharField(
        label=_("App secret key"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, platform: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if platform != "zalo_oa":
            for name in ("refresh_token", "app_id", "app_secret"):
                del self.fields[name]
