"""Refund applications and their workflow events (维修资金返还).

Models of the fund app (app_label "fund"); `anju.fund.models` imports them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.core.workflow import WorkflowEvent
from anju.fund.models import Account, JournalEntry


class RefundApplication(models.Model):
    """Refund of a unit's balance when the house is demolished or lost (房屋灭失, art. 29)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="refunds")
    applicant = models.CharField(_("applicant"), max_length=120)
    payee_bank = models.CharField(_("payee bank"), max_length=80, blank=True)
    payee_account_number = models.CharField(_("payee account number"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    amount = MoneyField(_("amount refunded"), null=True, blank=True)  # type: ignore[misc]
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = by_user(_("created by"))
    decided_by = by_user(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    paid_entry = models.ForeignKey(
        JournalEntry, verbose_name=_("payment entry"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "fund"
        verbose_name = _("refund application")
        verbose_name_plural = _("refund applications")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.account} {self.get_status_display()}"

    @property
    def number(self) -> str:
        """TK + year + the record number, as the refund approval form (退款审批表) prints it."""
        return f"TK{timezone.localtime(self.created):%Y}-{self.pk:05d}"


class RefundEvent(WorkflowEvent):
    """One step of a refund application's workflow (经办 → 审核 → 审批 → 付款)."""

    application = models.ForeignKey(
        RefundApplication, verbose_name=_("refund application"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        app_label = "fund"
        verbose_name = _("refund event")
        verbose_name_plural = _("refund events")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_status}→{self.to_status}"
