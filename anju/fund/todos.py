"""The fund's items on the home page's to-do list (待办)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anju.core.todos import Todo
from anju.fund.models import BankReceipt, RefundApplication


def fund_todos(user: Any) -> list[Todo]:
    items: list[Todo] = []
    if user.can("fund", "handle"):
        suspense = BankReceipt.objects.filter(status=BankReceipt.Status.SUSPENSE).count()
        if suspense:
            items.append(Todo(_("Receipts in suspense to match"), reverse("fund:suspense"), suspense))
        to_pay = RefundApplication.objects.filter(status=RefundApplication.Status.APPROVED).count()
        if to_pay:
            items.append(Todo(_("Approved refunds to pay"), reverse("fund:refunds") + "?status=approved", to_pay))
    if user.can("fund", "approve"):
        to_decide = RefundApplication.objects.filter(status=RefundApplication.Status.SUBMITTED).count()
        if to_decide:
            items.append(Todo(_("Refunds awaiting approval"), reverse("fund:refunds") + "?status=submitted", to_decide))
    return items
