"""The year's interest (增值收益) allocation from the page: the allocations made, a form, a preview of what
each unit would be credited (computed as the allocation does, nothing posted), then the allocation itself
as a background job (`fund.allocate_interest`) whose page shows its progress and the entry it posted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import jobs
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.models import Job
from anju.core.permissions import actor, can, check, require
from anju.fund import queries
from anju.fund.errors import InterestError
from anju.fund.interest import actions
from anju.fund.models import Account, JournalEntry

MODULE = "fund"
RUN = "review"  # the finance department (审核) credits the year's interest
JOB = "fund.allocate_interest"


class InterestForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(
        label=gettext_lazy("Interest to allocate (yuan)"), min_value=Decimal("0.01"), decimal_places=2, max_digits=16
    )
    pooled_percent = forms.DecimalField(
        label=gettext_lazy("Pooled share (%)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=4,
    )
    bank = forms.ModelChoiceField(label=gettext_lazy("Special account"), queryset=Account.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        banks = Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).order_by("pk")
        field = self.fields["bank"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = banks
        field.label_from_instance = lambda a: f"{a.bank_name} {a.bank_account_number}"  # type: ignore[method-assign,assignment]
        if banks.count() == 1:
            field.initial = banks.first()


@require(MODULE, "view")
def interest(request: HttpRequest) -> HttpResponse:
    """GET: the allocations made and the form; with `preview`, what the allocation would credit; POST
    (the preview's confirmation): the allocation, queued."""
    may_run = can(request.user, MODULE, RUN)
    data = request.POST if request.method == "POST" else (request.GET if "preview" in request.GET else None)
    form = InterestForm(data, initial={"year": timezone.localdate().year - 1})
    allocations = queries.interest_allocations()
    context: dict[str, Any] = {"form": form, "may_run": may_run, "tab": "interest", "allocations": allocations}
    if data is not None and form.is_valid():
        check(request.user, MODULE, RUN)
        d = form.cleaned_data
        if request.method == "POST":
            job = jobs.submit(
                actor(request),
                JOB,
                _("Allocate the interest of %(year)s") % {"year": d["year"]},
                year=d["year"],
                amount=str(d["amount"]),
                pooled_percent=None if d["pooled_percent"] is None else str(d["pooled_percent"]),
                bank=d["bank"].pk,
            )
            messages.info(request, _("The allocation runs in the background."))
            return redirect("core:job", job.pk)
        with refused(request):
            context["preview"] = actions.preview_interest(d["year"], d["amount"], pooled_percent=d["pooled_percent"])
    return render(request, "fund/interest.html", context)


def allocate(job: Job, progress: jobs.Progress) -> jobs.Output:
    """The worker's side: `actions.allocate_interest` in one transaction (nothing posted on a refusal)."""
    if job.owner is None or not can(job.owner, MODULE, RUN):
        raise InterestError("没有分配利息的权限", code="forbidden")
    p = job.params
    bank = Account.objects.get(pk=p["bank"], kind=Account.Kind.BANK)
    pooled = None if p["pooled_percent"] is None else Decimal(p["pooled_percent"])
    result = actions.allocate_interest(
        p["year"], Decimal(p["amount"]), pooled_percent=pooled, actor=job.owner, bank=bank, progress=progress
    )
    return jobs.Output(
        result={
            "summary": [
                [_("Year"), result.year],
                [_("Interest allocated"), f"{result.amount:,.2f}"],
                [_("Pooled share"), f"{result.pooled:,.2f}"],
                [_("Credited to units"), f"{result.credited:,.2f}"],
                [_("Unit accounts credited"), result.accounts],
                [_("Journal entry"), result.entry.seq],
            ],
            "links": [[_("The journal"), reverse("fund:journal") + f"?kind={JournalEntry.Kind.INTEREST}"]],
        }
    )
