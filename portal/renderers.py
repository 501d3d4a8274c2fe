from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Every field renders with a visible label, its hint and its error next to it."""

    field_template_name = "components/field.html"
