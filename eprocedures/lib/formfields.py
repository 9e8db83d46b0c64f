"""Form fields shared by registration, "Mes informations" and the address book."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .phones import dial_code_choices, parse_phone, split_phone

YES_NO = [("oui", _("Oui")), ("non", _("Non"))]


class PhoneWidget(forms.MultiWidget):
    """A dial-code list and the number; rendered in a fieldset whose legend is the label."""

    template_name = "core/forms/phone_widget.html"

    def __init__(self, attrs=None):
        widgets = {
            "region": forms.Select(attrs={"aria-label": _("Indicatif"), "autocomplete": "tel-country-code"}),
            "number": forms.TextInput(attrs={
                "aria-label": _("Numéro"), "inputmode": "tel", "autocomplete": "tel-national",
                "type": "tel",
            }),
        }
        super().__init__(widgets, attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        base = (attrs or {}).get("id") or self.attrs.get("id")
        if base:
            # The number is named by the field's legend ("Numéro de téléphone mobile"),
            # which field.html gives this id: a screen reader, or a test looking the field
            # up by its label, finds it under the contract's words, not as "Numéro".
            number = context["widget"]["subwidgets"][1]["attrs"]
            number.pop("aria-label", None)
            number["aria-labelledby"] = f"{base}_legend"
            if context["widget"]["attrs"].get("aria-invalid"):
                # The error summary sends the focus to the number: its message must be read
                # there; the dial code is not what is wrong.
                number["aria-describedby"] = f"{base}_error"
                context["widget"]["subwidgets"][0]["attrs"].pop("aria-invalid", None)
        return context

    def decompress(self, value):
        return list(split_phone(value)) if value else ["FR", ""]

    def id_for_label(self, id_):
        # The number, which is what a person corrects (the error summary links here).
        return f"{id_}_1" if id_ else id_


class PhoneField(forms.MultiValueField):
    """A telephone number typed as dial code + digits, cleaned to a PhoneNumber (E.164)."""

    widget = PhoneWidget

    def __init__(self, *, mobile=False, **kwargs):
        self.mobile = mobile
        fields = (
            forms.ChoiceField(choices=dial_code_choices()),
            forms.CharField(max_length=30),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, **kwargs)
        self.widget.widgets[0].choices = dial_code_choices()

    def compress(self, data_list):
        if not data_list or not (data_list[1] or "").strip():
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        return parse_phone(data_list[0] or "FR", data_list[1], mobile=self.mobile)

    def clean(self, value):
        # MultiValueField would clean the region against its choices first with a
        # generic message; ours is more helpful, so hand the raw pair to compress.
        if not value or not any(value):
            value = ["FR", ""]
        out = self.compress([value[0], value[1] if len(value) > 1 else ""])
        self.run_validators(out)
        return out


class YesNoField(forms.TypedChoiceField):
    """An Oui/Non question answered with radio buttons, cleaned to a bool."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        # An optional question left unanswered reads as "Non".
        kwargs.setdefault("empty_value", None if kwargs.get("required", True) else False)
        # A stored bool is coerced too (Field.has_changed coerces the initial value):
        # else True would read as False and "Oui" → "Non" would not count as a change.
        super().__init__(choices=YES_NO, coerce=lambda v: v is True or v == "oui", **kwargs)

    def prepare_value(self, value):
        if value is True:
            return "oui"
        if value is False:
            return "non"
        return value
