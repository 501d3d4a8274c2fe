"""`{% once_token %}`: put it next to `{% csrf_token %}` in every create form (portal.once)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from portal.once import FIELD, new_token, posted_token

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context: dict[str, Any]) -> str:
    """A hidden one-time token; a page shown again after a POST keeps the token it was sent with.

    A text input hidden with the `hidden` attribute, not `type="hidden"`: after Back, browsers
    fetch the form page again (signed-in pages are `no-store`) and restore the values of its
    text inputs, while a `type="hidden"` input would keep the newly issued token. Restored,
    the page sends the token of the form that was already sent, and creates nothing new.
    """
    request = context["request"]
    token = (posted_token(request) if request.method == "POST" else None) or new_token()
    return format_html(
        '<input type="hidden" name="{}" value="{}" data-once-token>',
        FIELD,
        token,
    )
