"""Small helpers shared by the API and the screens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ketnoi.connectors.errors import message_for

# Publishing's own reasons, next to the connectors' (token expired, permission missing, ...).
MESSAGES = {
    "content_refused": _(
        "The platform refused the content of this post (text, image or link). Change the story or post it "
        "by hand."
    ),
    "duplicate": _("The platform says this post is already on the page; it is being checked."),
    "demo_no_fake": _(
        "Demo: no fake platform is running on this machine, so nothing was published anywhere. Start one "
        "with `ketnoi fake-platforms` to try publishing."
    ),
    "permission_missing": _(
        "The page's token does not allow posting (the pages_manage_posts permission or the OA's article "
        "right is missing). Enter a token with that permission."
    ),
    "token_expired": _(
        "The page's access token has expired or was revoked. Enter a new token for this page."
    ),
}


def error_message(code: str) -> str:
    if not code:
        return ""
    if code in MESSAGES:
        return str(MESSAGES[code])
    return message_for(code)
