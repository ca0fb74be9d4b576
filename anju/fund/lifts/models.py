"""The lift insurance pilot (电梯维修保险试点): lifts per building, insurers, policies paid from the pooled
account's value-added income, claims, and the pilot's targets."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.fund.lifts import rules
from anju.fund.models import Account, JournalEntry
from anju.registry.models import Building, Enterprise


def validate_registration_code(value: str) -> None:
    error = rules.registration_code_error(value)
    if error:
        raise ValidationError(error)


class Lift(models.Model):
    """A lift (电梯) of a building, known by its registration code (注册代码)."""

    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="lifts")
    registration_code = models.CharField(
        _("registration code"), max_length=20, unique=True, validators=[validate_registration_code]
    )
    entrance = models.CharField(_("entrance"), max_length=10, blank=True)
    make = models.CharField(_("make"), max_length=60, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("lift")
        verbose_name_plural = _("lifts")
        ordering = ["registration_code"]

    def __str__(self) -> str:
        return self.registration_code


class Insurer(models.Model):
    """An insurance company in the pilot."""

    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="insurer"
    )
    product = models.CharField(_("insurance product"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("insurer")
        verbose_name_plural = _("insurers")

    def __str__(self) -> str:
        return self.enterprise.name


class Policy(models.Model):
    """A lift repair insurance policy (电梯维修保险合同) over one or more lifts."""

    class Status(models.TextChoices):
        SIGNED = rules.SIGNED, _("Signed")
        ACTIVE = rules.ACTIVE, _("Within the term")
        EXPIRED = rules.EXPIRED, _("Expired")

    number = models.CharField(_("policy number"), max_length=40, unique=True)
    insurer = models.ForeignKey(Insurer, verbose_name=_("insurer"), on_delete=models.PROTECT, related_name="policies")
    lifts = models.ManyToManyField(Lift, verbose_name=_("lifts"), related_name="policies")
    signed_on = models.DateField(_("signed on"), db_index=True)
    start = models.DateField(_("term start"))
    end = models.DateField(_("term end"))
    premium = MoneyField(_("premium"))
    cover = MoneyField(_("cover amount"))
    created_by = by_user(_("created by"))

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-signed_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="lift_policy_term"),
            models.CheckConstraint(condition=Q(premium__gt=0), name="lift_policy_premium_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: dt.date) -> str:
        return rules.policy_status(self.start, self.end, day)

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class PremiumPayment(models.Model):
    """A premium paid from the pooled account's value-added income (统筹账户增值收益) to the insurer."""

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = MoneyField(_("amount"))
    bank = models.ForeignKey(
        Account, verbose_name=_("bank special account"), on_delete=models.PROTECT, related_name="+"
    )
    entry = models.OneToOneField(
        JournalEntry, verbose_name=_("journal entry"), on_delete=models.PROTECT, related_name="lift_premium"
    )

    class Meta:
        verbose_name = _("premium payment")
        verbose_name_plural = _("premium payments")
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.amount}"


class Claim(models.Model):
    """A claim on a lift's policy for a repair (理赔)."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        PAID = "paid", _("Paid by the insurer")
        REJECTED = "rejected", _("Rejected")

    lift = models.ForeignKey(Lift, verbose_name=_("lift"), on_delete=models.PROTECT, related_name="claims")
    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="claims")
    date = models.DateField(_("date"))
    fault = models.CharField(_("fault"), max_length=300)
    amount = MoneyField(_("amount claimed"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REPORTED)
    paid_amount = MoneyField(_("amount paid"), null=True, blank=True)  # type: ignore[misc]

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.lift} {self.date} {self.fault}"


class PilotTarget(models.Model):
    """The pilot's target: lifts under contract by a date."""

    date = models.DateField(_("date"), unique=True)
    lifts = models.PositiveIntegerField(_("lifts"))

    class Meta:
        verbose_name = _("pilot target")
        verbose_name_plural = _("pilot targets")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.lifts}"
