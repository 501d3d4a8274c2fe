from django import template

register = template.Library()


@register.filter
def genitive(name: str) -> str:
    """Swedish genitive of a name: "Halmstads kommun" → "Halmstads kommuns", "Hjärtats hus" stays."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"
