"""`{% once_token %}`: put it next to `{% csrf_token %}` in every create form (portal.once)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from portal.once import FIELD, new_token, posted_token

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context: dict[str, Any]) -> str:
    """A hidden one-time token; a page shown again after a POST keeps the token it was sent with."""
    request = context["request"]
    token = (posted_token(request) if request.method == "POST" else None) or new_token()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token)
