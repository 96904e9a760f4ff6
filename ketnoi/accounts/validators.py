"""Password policy pieces whose wording Django's own Vietnamese catalogue does not carry."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length rule with a message translated in this app's catalogue."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: it needs at least %(n)d character.",
            "This password is too short: it needs at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(n)d character.",
            "Your password must contain at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}
