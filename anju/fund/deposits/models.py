"""Deposit standards, batches and notices (交存标准、批次、交存通知书).

Models of the fund app (app_label "fund"); `anju.fund.models` imports them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.fund.models import Account, JournalEntry
from anju.registry.models import Project


class DepositStandard(models.Model):
    """A published deposit rate (元/m²) for a building type and use, effective from a date (art. 7)."""

    class BuildingType(models.TextChoices):
        MULTI_STOREY = "multi_storey", _("Multi-storey without lift")
        HIGH_RISE = "high_rise", _("High-rise or with lift")

    class UseClass(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        NON_RESIDENTIAL = "non_residential", _("Non-residential")

    building_type = models.CharField(_("building type"), max_length=20, choices=BuildingType.choices)
    use_class = models.CharField(_("use"), max_length=20, choices=UseClass.choices)
    effective_from = models.DateField(_("effective from"))
    rate = models.DecimalField(_("rate (yuan/m²)"), max_digits=10, decimal_places=2)
    basis = models.CharField(_("basis (document number)"), max_length=120, blank=True)

    class Meta:
        app_label = "fund"
        verbose_name = _("deposit standard")
        verbose_name_plural = _("deposit standards")
        ordering = ["building_type", "use_class", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["building_type", "use_class", "effective_from"], name="standard_unique"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="standard_rate_positive"),
        ]

    def __str__(self) -> str:
        kind = f"{self.get_building_type_display()} {self.get_use_class_display()}"
        return f"{kind} {self.rate}元/㎡ ({self.effective_from})"


class DepositBatch(models.Model):
    """Notices issued together for a project (批量交存通知)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    created_by = by_user(_("created by"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        app_label = "fund"
        verbose_name = _("deposit batch")
        verbose_name_plural = _("deposit batches")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project.name} {self.issued_on}"


class DepositNotice(models.Model):
    """A deposit notice (交存通知书): what a unit's owner (or the developer) must pay in."""

    class Kind(models.TextChoices):
        FIRST = "first", _("First deposit")
        DEVELOPER = "developer", _("Developer deposit for an unsold unit")
        REPLENISH = "replenish", _("Replenishment")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("notice number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ISSUED, db_index=True)
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="notices")
    batch = models.ForeignKey(
        DepositBatch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    payer = models.CharField(_("payer"), max_length=120, blank=True)
    area = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=2)
    rate = models.DecimalField(_("rate (yuan/m²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    standard = models.ForeignKey(
        DepositStandard, verbose_name=_("standard"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("amount"))
    issued_on = models.DateField(_("issued on"))
    issued_by = by_user(_("issued by"))
    paid_entry = models.ForeignKey(
        JournalEntry, verbose_name=_("payment entry"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "fund"
        verbose_name = _("deposit notice")
        verbose_name_plural = _("deposit notices")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number
