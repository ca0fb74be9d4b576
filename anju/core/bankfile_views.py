"""The bank file profiles page: who may import bank files may see them; the fund's handlers keep them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from anju.core import bankfile
from anju.core.bankfile_forms import BankProfileForm
from anju.core.models import BankProfile
from anju.core.permissions import actor, require
from anju.lib.tabular import DEFAULT_DATE_FORMATS

MODULE = "fund"


@require(MODULE, "handle")
def profile_list(request: HttpRequest) -> HttpResponse:
    profiles = [(profile, bankfile.describe(profile)) for profile in BankProfile.objects.order_by("id")]
    return render(request, "core/bank_profiles.html", {"profiles": profiles})


@require(MODULE, "handle")
def profile_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = get_object_or_404(BankProfile, pk=pk) if pk is not None else None
    if profile is not None and profile.code == BankProfile.STANDARD:
        messages.error(request, _("The standard profile is the templates' layout and cannot be changed."))
        return redirect("core:bank_profiles")
    initial = {"date_formats": list(DEFAULT_DATE_FORMATS), "file_types": list(bankfile.FILE_TYPES)}
    form = BankProfileForm(request.POST or None, instance=profile, initial=None if profile else initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ["code", *bankfile.PROFILE_FIELDS]}
        saved = bankfile.save_profile(actor(request), profile, **values)
        messages.success(request, _("Bank file profile %(name)s saved.") % {"name": saved.name})
        return redirect("core:bank_profiles")
    return render(request, "core/bank_profile_form.html", {"form": form, "profile": profile})
