"""Public rental housing (公租房): homes and shops of the estates, households, the waiting list and
lotteries, leases and rent, annual reviews, inspections, exits, repairs and rental filings."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.fields import MoneyField, by_user
from anju.core.workflow import WorkflowEvent
from anju.registry.models import Person, Unit


class Kind(models.TextChoices):
    """Homes are let to households at the policy rent; shops (门面) at a commercial rent."""

    HOME = "home", _("Dwelling")
    SHOP = "shop", _("Shop")


class Category(models.TextChoices):
    """The household's (or, for shops, the lease's) rent category; rates per category are data."""

    DIBAO = "dibao", _("Urban minimum living allowance")
    LOW_INCOME = "low_income", _("Low income")
    MIGRANT = "migrant", _("Migrant worker")
    NEW_GRADUATE = "new_graduate", _("Newly employed")
    MARKET = "market", _("Market rent")
    COMMERCIAL = "commercial", _("Commercial (shop)")


class RentRate(models.Model):
    """A dated rent standard: per m² per month for a kind and category, less a reduction percent."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    per_m2 = MoneyField(_("rent per m² per month"))
    reduction_percent = models.DecimalField(_("reduction (%)"), max_digits=5, decimal_places=2, default=0)
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rent standard")
        verbose_name_plural = _("rent standards")
        ordering = ["kind", "category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "category", "valid_from"], name="rental_rate_unique"),
            models.CheckConstraint(
                condition=Q(reduction_percent__gte=0) & Q(reduction_percent__lte=100), name="rental_rate_reduction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_category_display()} {self.per_m2}/m² ({self.valid_from})"


class RentalUnit(models.Model):
    """A registry unit in a public-rental estate, with its current letting state (history below)."""

    class State(models.TextChoices):
        VACANT = "vacant", _("Vacant")
        LET = "let", _("Let")
        REPAIR = "repair", _("Under repair")
        RESERVED = "reserved", _("Reserved")

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rental")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.VACANT)
    state_since = models.DateField(pgettext_lazy("rental", "since"))

    class Meta:
        verbose_name = _("rental unit")
        verbose_name_plural = _("rental units")
        ordering = ["unit__code"]
        indexes = [models.Index(fields=["kind", "state"])]

    def __str__(self) -> str:
        return self.unit.code


class UnitStateChange(models.Model):
    """One entry of a rental unit's state history."""

    rental_unit = models.ForeignKey(
        RentalUnit, verbose_name=_("rental unit"), on_delete=models.CASCADE, related_name="history"
    )
    state = models.CharField(_("state"), max_length=10, choices=RentalUnit.State.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit state change")
        verbose_name_plural = _("unit state changes")
        ordering = ["rental_unit", "on", "id"]

    def __str__(self) -> str:
        return f"{self.rental_unit_id} {self.state} {self.on}"


class Household(models.Model):
    """A household (承租家庭) from its application through eligibility, the waiting list (轮候),
    allocation and exit."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        WAITING = "waiting", _("Eligible, waiting")
        REJECTED = "rejected", _("Not eligible")
        HOUSED = "housed", _("Housed")
        EXITED = "exited", _("Exited")

    number = models.CharField(_("household number"), max_length=20, unique=True)
    applicant = models.ForeignKey(Person, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    members_count = models.PositiveSmallIntegerField(_("household size"), default=1)
    monthly_income = MoneyField(_("monthly income per person"))
    owns_home = models.BooleanField(_("owns a home in the city"), default=False)
    income_checked = models.BooleanField(_("income checked"), default=False)
    housing_checked = models.BooleanField(_("housing checked"), default=False)
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(pgettext_lazy("rental", "decision note"), max_length=300, blank=True)
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("tenant households")
        ordering = ["number"]
        indexes = [models.Index(fields=["status", "waiting_since"])]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant.name}"


class HouseholdMember(models.Model):
    """A member of a household other than the applicant."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=20)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household", "id"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.relation}"


class Draw(models.Model):
    """A public lottery (摇号) in two steps. Announced: the entrants (every waiting household on the day),
    the homes offered, the draw date, the external source of the seed and the hash of these inputs are
    frozen and published. Held (on or after the draw date): the external value published that day is
    entered and the seed is SHA-256(inputs hash | external value); nobody could choose it beforehand."""

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        HELD = "held", _("Held")

    number = models.CharField(_("draw number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    draw_on = models.DateField(_("draw date"), null=True, blank=True)
    seed_source = models.CharField(_("seed source"), max_length=200, blank=True)
    inputs_hash = models.CharField(_("inputs hash"), max_length=64, blank=True)
    external_value = models.CharField(_("external value"), max_length=100, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    seed = models.CharField(_("published seed"), max_length=100, blank=True)
    households = models.JSONField(_("household numbers"))
    units = models.JSONField(_("unit codes"))
    result = models.JSONField(_("result"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = by_user(_("created by"), blank=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")
        ordering = ["-draw_on", "-id"]

    def __str__(self) -> str:
        return self.number


class Lease(models.Model):
    """A lease of a home to a household or of a shop to a tenant; the monthly rent is fixed at signing
    from the rate in force (area × rate × (1 − reduction))."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In effect")
        ENDED = "ended", _("Ended")

    number = models.CharField(_("lease number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    rental_unit = models.ForeignKey(RentalUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="leases")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True, on_delete=models.PROTECT, related_name="leases"
    )
    tenant_name = models.CharField(_("tenant"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    area = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2)
    rate = models.ForeignKey(RentRate, verbose_name=_("rent standard"), on_delete=models.PROTECT, related_name="+")
    monthly_rent = MoneyField(_("monthly rent"))
    deposit = MoneyField(_("deposit"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end of term"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    renewed_from = models.ForeignKey(
        "self", verbose_name=_("renewal of"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    draw = models.ForeignKey(
        Draw, verbose_name=_("lottery draw"), null=True, blank=True, on_delete=models.PROTECT, related_name="leases"
    )

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["-start", "-id"]
        # (kind, start) first for the leases in force on a day and those signed in a year; ended_on and the
        # household complete it so that counting the households in force never visits the table.
        indexes = [
            models.Index(fields=["kind", "start", "ended_on", "household"], name="rental_lease_in_force"),
            models.Index(fields=["status"]),
            # The lists' order (newest first): a page is read from it instead of sorting every lease with its
            # unit (on PostgreSQL a hash of all the registry's units, 53 → 0.5 ms).
            models.Index(fields=["start", "id"], name="rental_lease_by_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="rental_lease_term"),
            models.UniqueConstraint(
                fields=["rental_unit"], condition=Q(status="active"), name="rental_lease_one_active_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.tenant_name}"


class RentBill(models.Model):
    """The rent of one lease for one month (first day of the month); `paid` is what payments allocated."""

    lease = models.ForeignKey(Lease, verbose_name=_("lease"), on_delete=models.PROTECT, related_name="bills")
    # The lease's number as the bill was made (a lease's number never changes): the bill list's order, month by
    # month in lease number order, read from one index instead of sorting the month's bills by their leases'.
    lease_number = models.CharField(_("lease number"), max_length=20, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    month = models.DateField(_("month"))
    due = models.DateField(_("due date"))
    amount = MoneyField(_("amount"))
    paid = MoneyField(_("paid"), default=0)

    class Meta:
        verbose_name = _("rent bill")
        verbose_name_plural = _("rent bills")
        ordering = ["lease", "month"]
        constraints = [
            models.UniqueConstraint(fields=["lease", "month"], name="rental_bill_one_per_month"),
            models.CheckConstraint(condition=~Q(lease_number=""), name="rental_bill_lease_number"),
        ]
        indexes = [
            models.Index(fields=["month", "kind", "amount", "paid"]),
            # The bills still owed (arrears, ageing): a small partial index instead of a scan of all bills.
            models.Index(fields=["due"], condition=Q(paid__lt=F("amount")), name="rental_bill_owed"),
            models.Index(F("month").desc(), "lease_number", "id", name="rental_bill_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.lease.number} {self.month:%Y-%m}"


class Payment(models.Model):
    """Rent received for a lease; allocated to its oldest open bills (the rest stays as credit)."""

    class Channel(models.TextChoices):
        COUNTER = "counter", _("At the counter")
        BANK = "bank", _("Bank transfer")
        IMPORT = "import", _("Bank file import")

    lease = models.ForeignKey(Lease, verbose_name=_("lease"), on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = MoneyField(_("amount"))
    paid_on = models.DateField(pgettext_lazy("rental", "paid on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    bank_txn = models.CharField(_("bank transaction id"), max_length=60, null=True, blank=True, unique=True)
    payer = models.CharField(_("payer"), max_length=120, blank=True)
    # What is not yet allocated to a bill (credit): kept with every allocation so that the billing run
    # finds the payments with credit through a small partial index instead of summing all allocations.
    unallocated = MoneyField(_("unallocated"), default=Decimal("0.00"))
    created_by = by_user(_("entered by"), blank=False)

    class Meta:
        verbose_name = _("rent payment")
        verbose_name_plural = _("rent payments")
        ordering = ["-paid_on", "-id"]
        # Covering the yearly and monthly sums: a range scan that never visits the table.
        indexes = [
            models.Index(fields=["paid_on", "kind", "amount"]),
            models.Index(fields=["lease"], condition=Q(unallocated__gt=0), name="rental_payment_credit"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="rental_payment_positive")]

    def __str__(self) -> str:
        return f"{self.lease_id} {self.paid_on} {self.amount}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(RentBill, on_delete=models.PROTECT, related_name="allocations")
    amount = MoneyField(_("amount"))

    class Meta:
        # Covering the sum of the allocations to a set of bills (租金收取率) without visiting the table.
        indexes = [models.Index(fields=["bill", "amount"], name="rental_alloc_bill_amount")]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.bill_id} {self.amount}"


class Reminder(models.Model):
    """A rent reminder (催缴通知) issued for a lease's arrears."""

    lease = models.ForeignKey(Lease, verbose_name=_("lease"), on_delete=models.PROTECT, related_name="reminders")
    issued_on = models.DateField(pgettext_lazy("rental", "issued on"))
    owed = MoneyField(_("amount owed"))
    deadline = models.DateField(_("pay by"))
    created_by = by_user(pgettext_lazy("rental", "issued by"), blank=False)

    class Meta:
        verbose_name = _("rent reminder")
        verbose_name_plural = _("rent reminders")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.lease_id} {self.issued_on} {self.owed}"


class Review(models.Model):
    """The annual eligibility review (年审) of a household: due when the year's review opens."""

    class Outcome(models.TextChoices):
        DUE = "due", _("Due")
        PASS = "pass", _("Eligible")
        MARKET = "market", _("Pays market rent")
        EXIT = "exit", _("Must exit")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.DUE)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        ordering = ["-year", "household"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="rental_review_once_a_year")]
        indexes = [models.Index(fields=["year", "outcome"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year} {self.outcome}"


class InspectionPlan(models.Model):
    """A year's targets for home inspections (入户调查) and re-inspections (复查), percent."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    inspection_percent = models.DecimalField(_("inspected, percent of homes"), max_digits=5, decimal_places=2)
    reinspection_percent = models.DecimalField(_("re-inspected, percent of inspected"), max_digits=5, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class Inspection(models.Model):
    """A home visit (入户调查) or re-inspection (复查) with what was found."""

    class Visit(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        REINSPECTION = "reinspection", _("Re-inspection")

    class Finding(models.TextChoices):
        LIVES_THERE = "lives", _("Lives there")
        VACANT = "vacant", _("Vacant")
        SUBLET = "sublet", _("Sublet")
        OTHER_USE = "other_use", _("Other use")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="inspections"
    )
    lease = models.ForeignKey(Lease, verbose_name=_("lease"), on_delete=models.PROTECT, related_name="inspections")
    visit = models.CharField(_("visit"), max_length=15, choices=Visit.choices)
    visited_on = models.DateField(_("visited on"))
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices)
    inspector = models.CharField(_("inspector"), max_length=60)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visit", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visit} {self.visited_on}"


class Exit(models.Model):
    """An exit (清退): prepared (经办), reviewed (审核) and approved (审批), then the notice with its deadline,
    forced exit (强制清退) through the courts if need be, and completion when the home is handed back."""

    class Reason(models.TextChoices):
        OVER_INCOME = "over_income", _("Income over the limit")
        OWNS_HOME = "owns_home", _("Owns a home")
        SUBLET = "sublet", _("Sublet")
        VACANT = "vacant", _("Left vacant")
        ARREARS = "arrears", _("Rent arrears")
        VOLUNTARY = "voluntary", _("Moved out voluntarily")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NOTIFIED = "notified", _("Notified")
        COMPLETED = "completed", _("Completed")

    number = models.CharField(_("exit number"), max_length=20, unique=True)
    lease = models.ForeignKey(Lease, verbose_name=_("lease"), on_delete=models.PROTECT, related_name="exits")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="exits"
    )
    reason = models.CharField(_("reason"), max_length=15, choices=Reason.choices)
    # Empty until the approved exit's notice is served.
    notice_on = models.DateField(_("notice served on"), null=True, blank=True)
    deadline = models.DateField(_("move out by"), null=True, blank=True)
    notices = models.PositiveSmallIntegerField(_("notices served"), default=1)
    forced = models.BooleanField(_("forced exit"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    prepared_on = models.DateField(_("prepared on"), null=True, blank=True)
    created_by = by_user(_("prepared by"))

    class Meta:
        verbose_name = _("exit")
        verbose_name_plural = _("exits")
        ordering = ["-notice_on", "-id"]
        indexes = [models.Index(fields=["status", "completed_on"])]

    def __str__(self) -> str:
        return self.number


class ExitEvent(WorkflowEvent):
    """One step of an exit: 经办, 审核, 审批, the notice, notices again, forced exit, completion."""

    exit = models.ForeignKey(Exit, verbose_name=_("exit"), on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = _("exit event")
        verbose_name_plural = _("exit events")
        ordering = ["exit", "at", "id"]

    def __str__(self) -> str:
        return f"{self.exit_id} {self.from_status}→{self.to_status}"


class Repair(models.Model):
    """A repair work order (维修工单) for a rental unit."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Awaiting assignment")
        ASSIGNED = "assigned", _("Assigned")
        DONE = "done", _("Done")

    number = models.CharField(_("work order"), max_length=20, unique=True)
    rental_unit = models.ForeignKey(
        RentalUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="repairs"
    )
    reported_on = models.DateField(_("reported on"))
    description = models.CharField(pgettext_lazy("rental", "description"), max_length=300)
    vendor = models.CharField(_("vendor"), max_length=120, blank=True)
    cost = MoneyField(_("cost"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REPORTED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("rental", "repair")
        verbose_name_plural = _("repairs")
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["status", "completed_on"])]

    def __str__(self) -> str:
        return self.number


class Filing(models.Model):
    """A rental filing (房屋租赁备案) for another rental in the city."""

    number = models.CharField(_("filing number"), max_length=20, unique=True)
    filed_on = models.DateField(_("filed on"))
    lessor = models.CharField(_("lessor"), max_length=120)
    lessor_id = models.CharField(_("lessor ID number"), max_length=40)
    lessee = models.CharField(_("lessee"), max_length=120)
    lessee_id = models.CharField(_("lessee ID number"), max_length=40)
    address = models.CharField(pgettext_lazy("rental", "address"), max_length=200)
    area = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    monthly_rent = MoneyField(_("monthly rent"))

    class Meta:
        verbose_name = _("rental filing")
        verbose_name_plural = _("rental filings")
        ordering = ["-filed_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="rental_filing_term")]

    def __str__(self) -> str:
        return self.number
