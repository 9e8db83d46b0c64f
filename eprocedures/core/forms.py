from django.forms.renderers import TemplatesSetting


class ETSFormRenderer(TemplatesSetting):
    """Django's accessible field rendering (aria-invalid, aria-describedby), plus the * marker."""

    field_template_name = "core/forms/field.html"
