"""`{% draft_owner %}`: put it next to `{% csrf_token %}` in every form that keeps drafts (portal.drafts)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from portal.drafts import OWNER_FIELD, owner_token

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_owner(context: dict[str, Any]) -> str:
    """A hidden field with the signed id of the person the page is rendered for (nothing when signed out)."""
    user = context["request"].user
    if not user.is_authenticated:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', OWNER_FIELD, owner_token(user.pk))
