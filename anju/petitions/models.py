"""Petitions and public opinion (信访与网络舆情): letters, visits, online petitions, the 12345 hotline and the
online platforms (省长信箱、湘易办、红网、问政湖南), the inspection team's referrals (巡视组交办件).

A `Channel` is data with its dated `DeadlineRule`s (DOMAIN.md §5); a `Case` is registered (登记), accepted or
not (受理告知), assigned to a handler (交办) or forwarded to another body (转送), handled with contact records
(三到位一处理), replied to (答复) and closed (办结, 实体 or 程序性) with the petitioner's satisfaction; 复查 and
复核 requests follow with their own limits. Every deadline a case was given is a `CaseDeadline` row holding
the rule it started under, so a later rule never moves it. Links to the records of other lines are generic
(content type + object id): this line imports none of them."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import by_user
from anju.core.links import reverse
from anju.core.models import Role
from anju.core.workflow import WorkflowEvent
from anju.lib import dates
from anju.petitions import rules
from anju.registry.models import Person


class Channel(models.Model):
    """Where a case comes from (来信、来访、12345…): `online` channels are the 网络舆情 items of the report."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("channel name"), max_length=40, unique=True)
    online = models.BooleanField(_("online public opinion channel"), default=False)
    referral = models.BooleanField(_("referred by the inspection team"), default=False)
    started_on = models.DateField(_("channel in use since"), default=dt.date(2000, 1, 1))
    order = models.PositiveSmallIntegerField(_("order"), default=50)

    class Meta:
        verbose_name = _("petition channel")
        verbose_name_plural = _("petition channels")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class DeadlineRule(models.Model):
    """A channel's limit for one step, in calendar days, working days or hours, from an event; dated, so
    a new rule applies to cases received from its day on."""

    class Step(models.TextChoices):
        ACCEPT = rules.Step.ACCEPT, _("Acceptance decision")
        FORWARD = rules.Step.FORWARD, _("Forwarding")
        REPLY = rules.Step.REPLY, _("First reply")
        COMPLETE = rules.Step.COMPLETE, _("Completion")
        EXTENSION = rules.Step.EXTENSION, _("Extension (at most)")
        REVIEW_REQUEST = rules.Step.REVIEW_REQUEST, _("Request for review")
        REVIEW = rules.Step.REVIEW, _("Review opinion")
        REREVIEW_REQUEST = rules.Step.REREVIEW_REQUEST, _("Request for re-review")
        REREVIEW = rules.Step.REREVIEW, _("Re-review opinion")

    class Unit(models.TextChoices):
        CALENDAR = rules.Unit.CALENDAR, _("calendar days (deadline)")
        WORKING = rules.Unit.WORKING, _("working days")
        HOURS = rules.Unit.HOURS, _("hours")

    class Start(models.TextChoices):
        RECEIVED = rules.Start.RECEIVED, _("from receipt")
        ACCEPTED = rules.Start.ACCEPTED, _("from acceptance")
        REPLIED = rules.Start.REPLIED, _("from the reply")
        REQUESTED = rules.Start.REQUESTED, _("from the request")

    channel = models.ForeignKey(
        Channel, verbose_name=_("petition channel"), on_delete=models.PROTECT, related_name="rules"
    )
    step = models.CharField(_("deadline step"), max_length=20, choices=Step.choices)
    amount = models.PositiveSmallIntegerField(_("limit"))
    unit = models.CharField(_("deadline unit"), max_length=10, choices=Unit.choices)
    start = models.CharField(_("counted"), max_length=10, choices=Start.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_by = by_user(_("created by"))

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["channel", "step", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "step", "effective_from"], name="petitions_rule_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="petitions_rule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.get_step_display()} {self.amount}{self.get_unit_display()}"

    def as_rule(self) -> rules.Rule:
        return rules.Rule(self.step, self.amount, self.unit, self.start, self.effective_from, self.effective_to)


class Category(models.TextChoices):
    FUND = "fund", _("Maintenance fund")
    RENTAL = "rental", _("Public rental housing")
    TERMITE = "termite", _("Termite control")
    SUBSIDY = "subsidy", _("Home-purchase subsidy")
    LEGACY = "legacy", _("Legacy project")
    PROPERTY = "property", _("Property management")
    OTHER = "other", _("Other matters")


class Campaign(models.Model):
    """A campaign (e.g. 百日攻坚) over a list of cases with a target (实体办结 of these cases)."""

    name = models.CharField(_("campaign name"), max_length=80)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    owner = by_user(_("campaign owner"))
    target = models.CharField(_("campaign target"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("petition campaign")
        verbose_name_plural = _("petition campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="petitions_campaign_dates")
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One petition or public-opinion item (信访件、舆情件)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACCEPTED = "accepted", _("Accepted")
        NOT_ACCEPTED = "rejected", _("Not accepted")
        ASSIGNED = "assigned", _("Assigned (petition)")
        FORWARDED = "forwarded", _("Forwarded")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", _("Closed (petition)")
        REVIEWING = "reviewing", _("Under review")

    class Closure(models.TextChoices):
        SUBSTANTIVE = rules.Closure.SUBSTANTIVE, _("Substantive closure")
        PROCEDURAL = rules.Closure.PROCEDURAL, _("Procedural closure")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")
        UNREACHED = "unreached", _("Not reached")

    number = models.CharField(_("petition case number"), max_length=20, unique=True)
    channel = models.ForeignKey(
        Channel, verbose_name=_("petition channel"), on_delete=models.PROTECT, related_name="cases"
    )
    reference = models.CharField(_("channel reference number"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("petition received on"), db_index=True)  # the local date of received_at
    category = models.CharField(_("subject category"), max_length=10, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=120)
    content = models.TextField(_("content"))
    head_count = models.PositiveSmallIntegerField(_("head count"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    department = models.ForeignKey(
        Role, verbose_name=_("handling department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handler = by_user(_("handler"))
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=120, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True, db_index=True)
    reply = models.TextField(_("reply"), blank=True)
    closed_on = models.DateField(_("petition closed on"), null=True, blank=True, db_index=True)
    closure_kind = models.CharField(_("closure kind"), max_length=12, choices=Closure.choices, blank=True)
    converted_on = models.DateField(_("converted to substantive on"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension"), default=0)
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    extension_approved_by = by_user(_("extension approved by"))
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("repeat of"), on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats"
    )
    campaigns = models.ManyToManyField(Campaign, verbose_name=_("campaigns"), blank=True, related_name="cases")
    created_by = by_user(_("registered by"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("petition case")
        verbose_name_plural = _("petition cases")
        ordering = ["-received_at", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "reference"], condition=~Q(reference=""), name="petitions_case_reference"
            ),
            models.CheckConstraint(condition=Q(head_count__gte=1), name="petitions_case_head_count"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(closure_kind=""), name="petitions_closed_has_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:case", args=[self.pk])

    @property
    def joint(self) -> bool:
        """A joint petition (联名/集体): several petitioners or a head count of 5 or more."""
        return self.head_count >= 5


class Petitioner(models.Model):
    """A petitioner of a case: a registry person or just a name and phone (online cases may be anonymous)."""

    case = models.ForeignKey(
        Case, verbose_name=_("petition case"), on_delete=models.CASCADE, related_name="petitioners"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("petitioner"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=40, blank=True, db_index=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.name or "匿名"


class CaseLink(models.Model):
    """A record of another line the case concerns (a unit, project, lease, subsidy application, legacy
    project, termite control request), shown through its own `__str__` and `get_absolute_url`."""

    case = models.ForeignKey(Case, verbose_name=_("petition case"), on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    label = models.CharField(_("record"), max_length=200)  # the record's name when linked

    class Meta:
        verbose_name = _("linked record")
        verbose_name_plural = _("linked records")
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "content_type", "object_id"], name="petitions_link_unique")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.label


class CaseDeadline(models.Model):
    """A deadline the case was given, with the rule it started under: `nominal` the last day as counted,
    `due` the day after which it is overdue (past rest days), `met_on` when the step was done."""

    case = models.ForeignKey(Case, verbose_name=_("petition case"), on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("deadline step"), max_length=20, choices=DeadlineRule.Step.choices)
    rule = models.ForeignKey(DeadlineRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveSmallIntegerField(_("limit"))  # the rule's, or a work order's own limit
    starts_on = models.DateField(_("counted from"))
    nominal = models.DateField(_("last day"))
    due = models.DateField(_("due"), db_index=True)
    met_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        ordering = ["case", "due", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="petitions_deadline_step")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_step_display()} {self.due}"

    def state(self, on: dt.date, calendar: dates.Calendar | None = None) -> rules.State:
        return rules.state_on(on, self.nominal, self.due, self.met_on, calendar)


class Contact(models.Model):
    """A contact with the petitioner while handling the case: who, when, how, what was said, and which of
    三到位一处理 it applied."""

    class Method(models.TextChoices):
        PHONE = "phone", _("By phone")
        VISIT = "visit", _("Home visit")
        MEETING = "meeting", _("Meeting at the center")
        LETTER = "letter", _("By letter")
        ONLINE = "online", _("Online")

    class Principle(models.TextChoices):
        SOLVED = "solved", _("Reasonable claim solved")
        EDUCATED = "educated", _("Unreasonable claim explained")
        HELPED = "helped", _("Hardship relieved")
        LAWFUL = "lawful", _("Unlawful conduct handled by law")

    case = models.ForeignKey(Case, verbose_name=_("petition case"), on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("contact time"))
    method = models.CharField(_("contact method"), max_length=10, choices=Method.choices)
    contacted = models.CharField(_("contacted person"), max_length=60)
    summary = models.TextField(_("what was said"))
    principle = models.CharField(_("principle applied"), max_length=10, choices=Principle.choices, blank=True)
    recorded_by = by_user(_("recorded by"))

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.at:%Y-%m-%d} {self.get_method_display()}"


class Commitment(models.Model):
    """A signed 息访罢诉承诺书 (a local practice, not a closure kind); its scan is an attachment."""

    case = models.ForeignKey(
        Case, verbose_name=_("petition case"), on_delete=models.PROTECT, related_name="commitments"
    )
    signed_on = models.DateField(_("commitment signed on"), db_index=True)
    signer = models.CharField(_("signed by"), max_length=60)
    recorded_by = by_user(_("recorded by"))

    class Meta:
        verbose_name = _("commitment to stop petitioning")
        verbose_name_plural = _("commitments to stop petitioning")
        ordering = ["-signed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.signer} {self.signed_on}"


class Review(models.Model):
    """A petitioner's request for 复查 (review) or 复核 (re-review) of the reply, with its own limit."""

    class Level(models.TextChoices):
        REVIEW = "review", _("Petition review")
        REREVIEW = "rereview", _("Re-review")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Reply upheld")
        CHANGED = "changed", _("Reply changed")

    case = models.ForeignKey(Case, verbose_name=_("petition case"), on_delete=models.CASCADE, related_name="reviews")
    level = models.CharField(_("review level"), max_length=10, choices=Level.choices)
    requested_on = models.DateField(_("requested on"))
    nominal = models.DateField(_("last day"))
    due = models.DateField(_("due"))
    decided_on = models.DateField(_("review decided on"), null=True, blank=True)
    outcome = models.CharField(_("review outcome"), max_length=10, choices=Outcome.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    decided_by = by_user(_("decided by"))

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["case", "requested_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "level"], name="petitions_review_level")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_level_display()}"


class CaseEvent(WorkflowEvent):
    """One entry of a case's history (the workflow kit's)."""

    case = models.ForeignKey(Case, verbose_name=_("petition case"), on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = _("case history")
        verbose_name_plural = _("case histories")
        ordering = ["case", "at", "pk"]


class Incident(models.Model):
    """An adverse public-opinion incident (不良舆情): what spread, where, and how the center responded."""

    occurred_on = models.DateField(_("occurred on"), db_index=True)
    title = models.CharField(_("incident"), max_length=120)
    platform = models.CharField(_("where it spread"), max_length=60)
    description = models.TextField(_("what happened"))
    response = models.TextField(_("response"), blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("petition case"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = by_user(_("recorded by"))

    class Meta:
        verbose_name = _("adverse public-opinion incident")
        verbose_name_plural = _("adverse public-opinion incidents")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.title}"
