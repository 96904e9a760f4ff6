"""The one check for web addresses that people type and the product stores or shows as links.

Every address field of the product (a page's address, a task's evidence link, anything added later) is
cleaned by ``clean_web_address`` in its service, so the web forms, the API, the CLI and the imports all
refuse the same things; every template that shows a stored address as a link goes through
``ketnoi.core.templatetags.weblinks`` (``{% web_link address text %}``), which calls ``safe_href`` and
shows anything it refuses as plain text.

The rules:

* Only ``http`` and ``https``. ``javascript:``, ``data:``, ``vbscript:``, ``file:`` and every other scheme are
  refused, in any letter case. An address typed without a scheme (``facebook.com/trang``) gets ``https://``.
* No control characters (tabs, line breaks, NUL ...) and no spaces anywhere: browsers drop them, so
  ``java\\tscript:`` would otherwise become ``javascript:``.
* A host is required, with a dot (or ``localhost``), made of letters, digits, dots and hyphens
  (internationalised names such as ``bìnhphước.vn`` are accepted and checked through IDNA); user names
  and passwords in an address (``https://facebook.com@evil.example``) are refused: they only mislead.
* The address must parse: ``http://[bad`` or a port that is not a number is refused, never an error.
* At most ``MAX_LENGTH`` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.utils.translation import gettext as _

MAX_LENGTH = 500
SCHEMES = ("http", "https")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL_OR_SPACE = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]"
)
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class BadWebAddress(ValueError):
    """Not an ``http``/``https`` address the product accepts; ``str(exc)`` says why (translated)."""


@dataclass(frozen=True)
class WebAddress:
    """A cleaned address: ``text`` is what to store and to put in ``href``."""

    text: str
    scheme: str
    host: str
    parts: SplitResult


def _valid_host(host: str) -> bool:
    if host == "localhost":
        return True
    if host.startswith("[") or re.fullmatch(r"[0-9.]+", host):
        return bool(re.fullmatch(r"(\d{1,3}\.){3}\d{1,3}", host)) and all(
            int(p) < 256 for p in host.split(".")
        )
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return len(labels) >= 2 and all(_HOST_LABEL.match(label) for label in labels)


def parse_web_address(text: str, *, max_length: int = MAX_LENGTH) -> WebAddress:
    """Clean ``text`` into an ``http``/``https`` address, or raise ``BadWebAddress`` saying why."""
    if not isinstance(text, str):
        raise BadWebAddress(_("A web address is text."))
    value = text.strip()
    if not value:
        raise BadWebAddress(_("The web address is empty."))
    if len(value) > max_length:
        raise BadWebAddress(_("A web address has at most %(max)d characters.") % {"max": max_length})
    if _CONTROL_OR_SPACE.search(value):
        raise BadWebAddress(_("A web address contains no spaces, tabs or line breaks."))
    match = _SCHEME.match(value)
    if match and not value[match.end() :].startswith("//") and match.group(1).lower() not in SCHEMES:
        raise BadWebAddress(_("Only addresses starting with http:// or https:// are accepted."))
    if not match:
        value = "https://" + value.lstrip("/") if not value.startswith("//") else "https:" + value
    try:
        parts = urlsplit(value)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise BadWebAddress(_("Only addresses starting with http:// or https:// are accepted."))
        if parts.username is not None or parts.password is not None or "@" in parts.netloc:
            raise BadWebAddress(_("A web address with a user name or password in it is not accepted."))
        host = (parts.hostname or "").rstrip(".")
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise BadWebAddress(_("This is not a web address that can be read.")) from exc
    if not host or not _valid_host(host):
        raise BadWebAddress(_("The web address has no valid site name (such as example.gov.vn)."))
    cleaned = scheme + value[len(parts.scheme) :]
    return WebAddress(text=cleaned, scheme=scheme, host=host, parts=parts)


def clean_web_address(text: str, *, max_length: int = MAX_LENGTH) -> str:
    """The address to store (``https://`` added when no scheme was typed); ``BadWebAddress`` otherwise."""
    return parse_web_address(text, max_length=max_length).text


def safe_href(text: object) -> str | None:
    """The address to put in a link's ``href``, or None when it must be shown as plain text."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return parse_web_address(text, max_length=max(MAX_LENGTH, len(text))).text
    except BadWebAddress:
        return None


def require_web_address(text: str, *, field: str, label: str = "", max_length: int = MAX_LENGTH) -> str:
    """``clean_web_address`` for a service: a refusal is a 422 naming ``field`` (and its ``label``)."""
    from ketnoi.core.exceptions import ValidationError

    try:
        return clean_web_address(text, max_length=max_length)
    except BadWebAddress as exc:
        shown = text.strip()[:80] if isinstance(text, str) else ""
        message = (
            _("%(label)s “%(value)s”: %(reason)s") % {"label": label, "value": shown, "reason": exc}
            if label
            else _("“%(value)s”: %(reason)s") % {"value": shown, "reason": exc}
        )
        raise ValidationError(message, fields={field: str(exc)}) from exc
