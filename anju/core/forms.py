from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from anju.core.models import CalendarDay, Role, User


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is wrong."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2:
            if p1 != p2:
                self.add_error("new_password2", _("The two new passwords differ."))
            elif p1 == data.get("old_password"):
                self.add_error("new_password1", _("The new password must differ from the current one."))
            else:
                try:
                    password_validation.validate_password(p1, self.user)
                except forms.ValidationError as exc:
                    self.add_error("new_password1", exc)
        return data


class UserForm(forms.Form):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]+$", max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    email = forms.EmailField(label=_("Email"), required=False)
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"), queryset=Role.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("The user must change it at the first login."),
    )

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["username"].disabled = True
            self.fields["password"].label = _("New password (leave empty to keep)")

    def clean_username(self) -> str:
        value: str = self.cleaned_data["username"]
        if self.instance is None and User.objects.filter(username=value).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return value

    def clean_password(self) -> str:
        value: str = self.cleaned_data.get("password") or ""
        if self.instance is None and not value:
            raise forms.ValidationError(_("An initial password is required."))
        if value:
            password_validation.validate_password(value)
        return value


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=60)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("e.g. 元旦, 春节, 中秋国庆"))
    source = forms.CharField(label=_("Source document"), max_length=200, help_text=_("e.g. 国办发明电〔2023〕7号"))


class CalendarYearForm(forms.Form):
    source = forms.CharField(label=_("Source document"), max_length=200)


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("Source document"), max_length=200, help_text=_("e.g. 国办发明电〔2023〕7号"))
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    complete = forms.BooleanField(
        label=_("Mark the year complete"),
        required=False,
        initial=True,
        help_text=_("Only a complete year is used to compute working days and deadlines."),
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=80, help_text=_("e.g. 怀化市住房保障服务中心"))
    city = forms.CharField(label=_("City"), max_length=40, help_text=_("As printed in document titles, e.g. 怀化市"))
    station = forms.CharField(label=_("Service station"), max_length=80, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
