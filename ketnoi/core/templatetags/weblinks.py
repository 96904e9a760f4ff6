"""``{% load weblinks %}``: the one way templates show a stored web address as a link.

``{% web_link address %}`` or ``{% web_link address text %}`` renders ``<a href=…>`` only for an address that
``ketnoi.lib.weburl.safe_href`` accepts (``http``/``https``, nothing hidden in it); anything else, such as a
``javascript:`` address stored before the check existed, is shown as escaped plain text, never as a link.
``{{ address|safe_href }}`` gives the cleaned address or an empty string, for the rare place that needs it.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ketnoi.lib import weburl

register = template.Library()


@register.simple_tag
def web_link(address: object, text: object = None, new_tab: bool = True) -> SafeString:
    bare = text in (None, "")  # the address itself is the text: long and without spaces, it may break
    label = address if bare else text
    wrap = SafeString(' class="addr"') if bare else ""
    href = weburl.safe_href(address)
    if href is None:
        return format_html('<span class="unsafe-address{}">{}</span>', " addr" if bare else "", label or "")
    target = SafeString(' target="_blank"') if new_tab else ""
    return format_html(
        '<a href="{}"{} rel="noopener noreferrer nofollow"{}>{}</a>', href, wrap, target, label
    )


@register.filter(name="safe_href")
def safe_href_filter(address: object) -> str:
    return weburl.safe_href(address) or ""
