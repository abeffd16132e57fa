"""Forms for the pages accounts owns (allauth's forms live in allauth)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class ProfileForm(forms.ModelForm[User]):
    """The professional profile chosen right after verifying an email address."""

    class Meta:
        model = User
        fields = ["professional_role", "country"]
        labels = {
            "professional_role": _("Your professional role"),
            "country": _("The country where you work"),
        }
        help_texts = {
            "professional_role": _(
                "We use it to offer you the course for your role. You can change it later."
            ),
            "country": _("We list support services in your country first."),
        }
        widgets = {"professional_role": forms.RadioSelect}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["professional_role"].required = True
        self.fields["professional_role"].error_messages["required"] = _(
            "Choose the role closest to your work, or “Other”."
        )
        self.fields["country"].required = True
        self.fields["country"].error_messages["required"] = _("Choose the country where you work.")
        # Django adds an empty choice to a model field's radio list; a required radio
        # list reads better without a blank first option.
        role_field = self.fields["professional_role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = User.ProfessionalRole.choices


class AccountSettingsForm(forms.ModelForm[User]):
    """Names, time zone and language, editable at any time."""

    class Meta:
        model = User
        fields = [
            "display_name",
            "certificate_name",
            "time_zone",
            "language",
            "professional_role",
            "country",
        ]


class EmailPreferenceForm(forms.Form):
    reminders = forms.BooleanField(
        required=False,
        label=_("Send me reminders"),
        help_text=_(
            "Before a course is due, before a certificate expires, and when a refresher "
            "check is ready."
        ),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={
            "required": _(
                "Tick the box to confirm that you understand your account cannot be "
                "restored once it is deleted."
            )
        },
    )
