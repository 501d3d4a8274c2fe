from django import template
from django.utils.safestring import SafeString

from collaboration.textdiff import diff_html

register = template.Library()


@register.simple_tag
def text_diff(old: str, new: str) -> SafeString:
    """{% text_diff old new %}: the words added to and removed from `old` to make `new`."""
    return diff_html(old or "", new or "")
