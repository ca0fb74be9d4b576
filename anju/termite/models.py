"""Termite control (白蚁防治): prevention of new buildings under a warranty, yearly revisits, and control.

Prevention: a developer's application (预防申请) for a project's buildings is accepted (受理, the
accepted area is a KPI) or returned; a contract (预防合同) covers buildings with a warranty of N years
(包治期限, DOMAIN.md §3); each covered building (`WarrantyBuilding`) is treated in stages (施工) and
accepted (验收), from which its warranty runs to `nominal_end` (民法典 第202条). Every year the buildings
under a running warranty are the revisit plan (回访复查); a revisit that finds termites opens a control
request (灭治), free of charge. Control requests also come from residents, property companies,
schools and the parks department, for a house (m²) or for trees (棵)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.registry.models import Building, Enterprise, Project
from anju.termite import rules

ZERO = Decimal("0.00")


def area_field(verbose_name: object, **kwargs: object) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class Structure(models.TextChoices):
    FRAME = "frame", _("Frame")
    BRICK_CONCRETE = "brick_concrete", _("Brick and concrete")
    BRICK_TIMBER = "brick_timber", _("Brick and timber")
    OTHER = "other", _("Other")


class FeeRate(models.Model):
    """A dated charge (收费标准) for prevention or control, per m² or per tree; may be zero (the city's
    special fund pays, DOMAIN.md §3). The rate in force on the day applies."""

    class Kind(models.TextChoices):
        PREVENTION = "prevention", _("Prevention")
        HOUSE_CONTROL = "house_control", _("House control")
        TREE_CONTROL = "tree_control", _("Tree control")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    structure = models.CharField(_("structure"), max_length=20, choices=Structure.choices, blank=True)
    amount = MoneyField(_("rate"))
    minimum_quantity = area_field(_("minimum billable quantity"), default=ZERO)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("termite fee rate")
        verbose_name_plural = _("termite fee rates")
        ordering = ["kind", "structure", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "structure", "effective_from"], name="termite_rate_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="termite_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class WarrantyStart(models.TextChoices):
    """The event a warranty runs from: local rules differ (DOMAIN.md §3)."""

    ACCEPTANCE = "acceptance", _("Completion acceptance (验收)")
    DELIVERY = "delivery", _("Delivery for use (交付使用)")
    COMPLETION = "completion", _("Works completed (竣工)")


class WarrantyRule(models.Model):
    """The city's rule for prevention warranties from a date: the years (包治期限) and the event they run
    from. The national rule asks for at least 15 years from delivery; a local rule may say otherwise (a
    rule under 15 years is warned about). A contract takes the rule in force on its signing day."""

    effective_from = models.DateField(_("effective from"), unique=True)
    years = models.PositiveSmallIntegerField(_("warranty years"))
    start_event = models.CharField(
        _("warranty runs from"), max_length=12, choices=WarrantyStart.choices, default=WarrantyStart.ACCEPTANCE
    )
    source = models.CharField(_("source document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("termite warranty rule")
        verbose_name_plural = _("termite warranty rules")
        ordering = ["-effective_from"]
        constraints = [models.CheckConstraint(condition=Q(years__gt=0), name="termite_rule_years")]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d} {self.years}"

    @property
    def short(self) -> bool:
        return rules.short_warranty(self.years)


class Application(models.Model):
    """A developer's application for the prevention of a project's buildings (白蚁预防申请)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    number = models.CharField(_("application number"), max_length=30, unique=True)
    # The number on the paper application of an imported one (原申请编号): a second import skips it.
    reference = models.CharField(_("original application number"), max_length=40, blank=True, db_index=True)
    developer = models.ForeignKey(
        Enterprise, verbose_name=_("developer"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    developer_name = models.CharField(_("developer"), max_length=120)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project_name = models.CharField(_("project name"), max_length=120)
    permit_number = models.CharField(_("construction permit number"), max_length=60, blank=True)
    received_on = models.DateField(_("application received on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, db_index=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    area = area_field(_("area (m²)"), default=ZERO)  # Σ of its buildings, cached by the actions
    fee = MoneyField(_("fee"), default=ZERO)
    created_by = by_user(_("created by"))
    handled_by = by_user(_("accepted or returned by"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("prevention application")
        verbose_name_plural = _("prevention applications")
        ordering = ["-received_on", "-number"]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"


class ApplicationBuilding(models.Model):
    """A building of an application with its area by structure (a new building may not be in the roll yet)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="buildings"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    building_no = models.CharField(_("building number"), max_length=20)
    structure = models.CharField(_("structure"), max_length=20, choices=Structure.choices, default=Structure.FRAME)
    area = area_field(_("area (m²)"))
    # Where given, the area is checked against footprint × floors (the roll's floors where it has the building).
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    footprint = area_field(_("footprint (m²)"), null=True, blank=True)

    class Meta:
        verbose_name = _("application building")
        verbose_name_plural = _("application buildings")
        ordering = ["application", "building_no"]
        constraints = [
            models.UniqueConstraint(fields=["application", "building_no"], name="termite_application_building"),
            models.CheckConstraint(condition=Q(area__gt=0), name="termite_application_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.building_no} {self.area}"


class Contract(models.Model):
    """A prevention contract (白蚁预防合同): the covered buildings, the warranty years (包治期限) and, where
    the contract states one, an explicit end date that wins over the computed one (民法典 第204条)."""

    number = models.CharField(_("contract number"), max_length=40, unique=True)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    developer_name = models.CharField(_("developer"), max_length=120)
    project_name = models.CharField(_("project name"), max_length=120)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    warranty_years = models.PositiveSmallIntegerField(_("warranty years"), default=15)
    start_event = models.CharField(
        _("warranty runs from"), max_length=12, choices=WarrantyStart.choices, default=WarrantyStart.ACCEPTANCE
    )
    fee = MoneyField(_("fee"), default=ZERO)
    imported = models.BooleanField(_("imported from paper records"), default=False)
    created_by = by_user(_("created by"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("prevention contract")
        verbose_name_plural = _("prevention contracts")
        ordering = ["-signed_on", "-number"]
        constraints = [models.CheckConstraint(condition=Q(warranty_years__gt=0), name="termite_contract_years")]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"

    @property
    def short_warranty(self) -> bool:
        """Fewer years than the national minimum of 15 (allowed by some local rules; warned about)."""
        return rules.short_warranty(self.warranty_years)


class WarrantyBuilding(models.Model):
    """A building covered by a contract: treated in stages, accepted (验收) on a day from which its
    warranty runs to `nominal_end` = add_years(accepted_on, years) (DOMAIN.md §3), or `explicit_end`."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="buildings"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    building_no = models.CharField(_("building number"), max_length=20)
    structure = models.CharField(_("structure"), max_length=20, choices=Structure.choices, blank=True)
    area = area_field(_("area (m²)"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, db_index=True)
    certificate_number = models.CharField(_("warranty certificate number"), max_length=40, blank=True)
    nominal_end = models.DateField(_("warranty end"), null=True, blank=True, db_index=True)
    explicit_end = models.DateField(_("warranty end stated in the contract"), null=True, blank=True)
    accepted_by = by_user(_("accepted by"))

    class Meta:
        verbose_name = _("building under warranty")
        verbose_name_plural = _("buildings under warranty")
        ordering = ["contract", "building_no"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "building_no"], name="termite_contract_building"),
            models.CheckConstraint(condition=Q(area__gt=0), name="termite_warranty_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.project_name} {self.building_no}#"

    @property
    def end(self) -> object:
        return self.explicit_end or self.nominal_end


class Stage(models.TextChoices):
    FOUNDATION = "foundation", _("Foundation soil")
    GROUND = "ground", _("Ground floor")
    WALLS = "walls", _("Walls and timber")
    SHAFTS = "shafts", _("Pipe shafts")
    LANDSCAPE = "landscape", _("Aprons and landscaping")


class TreatmentJob(models.Model):
    """A stage of the prevention treatment (施工) of a covered building."""

    building = models.ForeignKey(
        WarrantyBuilding, verbose_name=_("building"), on_delete=models.PROTECT, related_name="treatments"
    )
    stage = models.CharField(_("treatment stage"), max_length=20, choices=Stage.choices)
    date = models.DateField(_("date"))
    crew = models.CharField(_("crew"), max_length=120)
    area = area_field(_("area done (m²)"))
    chemicals = models.CharField(_("chemicals used"), max_length=300, blank=True)
    recorded_by = by_user(_("recorded by"))

    class Meta:
        verbose_name = _("treatment job")
        verbose_name_plural = _("treatment jobs")
        ordering = ["building", "date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(area__gt=0), name="termite_treatment_area_positive")]

    def __str__(self) -> str:
        return f"{self.building} {self.get_stage_display()}"


class ControlRequest(models.Model):
    """A request for termite control (灭治) of a house or of trees; free under a running warranty."""

    class Requester(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        PROPERTY = "property", _("Property company")
        SCHOOL = "school", _("School")
        PARKS = "parks", _("Parks department")
        REVISIT = "revisit", _("Revisit finding")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        COUNTER = "counter", _("Counter")
        PETITION = "petition", _("Petition")
        REVISIT = "revisit", _("Revisit")

    class Target(models.TextChoices):
        HOUSE = "house", _("House")
        TREES = "trees", _("Trees")

    class Basis(models.TextChoices):
        WARRANTY = "warranty", _("Under warranty (free)")
        PAID = "paid", _("Paid at the rate")
        PUBLIC = "public", _("Public (budget)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TREATED = "treated", _("Treated")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("request number"), max_length=30, unique=True)
    received_on = models.DateField(_("request received on"))
    requester_kind = models.CharField(_("requester"), max_length=10, choices=Requester.choices)
    requester_name = models.CharField(_("requester's name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(_("target"), max_length=10, choices=Target.choices)
    address = models.CharField(_("address or location"), max_length=200)
    area = area_field(_("area (m²)"), default=ZERO)
    trees = models.PositiveIntegerField(_("trees"), default=0)
    species = models.CharField(_("tree species"), max_length=60, blank=True)
    warranty = models.ForeignKey(
        WarrantyBuilding,
        verbose_name=_("building under warranty"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="control_requests",
    )
    basis = models.CharField(_("charge basis"), max_length=10, choices=Basis.choices)
    fee = MoneyField(_("fee"), default=ZERO)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    treated_on = models.DateField(_("treated on"), null=True, blank=True, db_index=True)
    treated_area = area_field(_("area treated (m²)"), default=ZERO)
    trees_treated = models.PositiveIntegerField(_("trees treated"), default=0)
    chemicals = models.CharField(_("chemicals used"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = by_user(_("created by"))

    class Meta:
        verbose_name = _("control request")
        verbose_name_plural = _("control requests")
        ordering = ["-received_on", "-number"]

    def __str__(self) -> str:
        return f"{self.number} {self.address}"


class Revisit(models.Model):
    """A yearly revisit (回访复查) of a building under warranty; a finding of termites opens a control
    request free of charge."""

    class Finding(models.TextChoices):
        CLEAR = "clear", _("No termites")
        TERMITES = "termites", _("Termites found")
        NO_ACCESS = "no_access", _("No access")

    building = models.ForeignKey(
        WarrantyBuilding, verbose_name=_("building"), on_delete=models.PROTECT, related_name="revisits"
    )
    date = models.DateField(_("date"), db_index=True)
    inspector = models.CharField(_("inspector"), max_length=60)
    area_checked = area_field(_("area checked (m²)"))
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    control_request = models.OneToOneField(
        ControlRequest,
        verbose_name=_("control request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisit",
    )
    recorded_by = by_user(_("recorded by"))

    class Meta:
        verbose_name = _("revisit")
        verbose_name_plural = _("revisits")
        ordering = ["-date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(area_checked__gt=0), name="termite_revisit_area_positive")]

    def __str__(self) -> str:
        return f"{self.building} {self.date}"


class Chemical(models.Model):
    """A registered pesticide (农药登记证号) bought under the procurement contract, with its unit price."""

    class Unit(models.TextChoices):
        KG = "kg", "kg"
        L = "L", "L"

    name = models.CharField(_("product"), max_length=80)
    registration_number = models.CharField(_("pesticide registration number"), max_length=40, unique=True)
    active_ingredient = models.CharField(_("active ingredient"), max_length=80, blank=True)
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices)
    unit_price = MoneyField(_("unit price"))

    class Meta:
        verbose_name = _("chemical")
        verbose_name_plural = _("chemicals")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(unit_price__gte=0), name="termite_chemical_price")]

    def __str__(self) -> str:
        return self.name


def quantity_field(verbose_name: object, **kwargs: object) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=3, **kwargs)  # type: ignore[arg-type]


class ChemicalLot(models.Model):
    """A lot (批次) of a chemical received under a procurement contract: stock in."""

    chemical = models.ForeignKey(Chemical, verbose_name=_("product"), on_delete=models.PROTECT, related_name="lots")
    lot = models.CharField(_("lot"), max_length=40)
    received_on = models.DateField(_("into stock on"))
    quantity = quantity_field(_("quantity received"))
    contract_number = models.CharField(_("procurement contract"), max_length=60, blank=True)
    received_by = by_user(_("received by"))

    class Meta:
        verbose_name = _("chemical lot")
        verbose_name_plural = _("chemical lots")
        ordering = ["chemical", "received_on", "lot"]
        constraints = [
            models.UniqueConstraint(fields=["chemical", "lot"], name="termite_lot_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="termite_lot_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.chemical.name} {self.lot}"


class ChemicalIssue(models.Model):
    """Chemicals issued from a lot to a treatment or a control job (stock out); its cost is charged to
    the year's termite special fund."""

    lot = models.ForeignKey(ChemicalLot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="issues")
    date = models.DateField(_("date"), db_index=True)
    quantity = quantity_field(_("quantity issued"))
    cost = MoneyField(_("cost"))
    treatment = models.ForeignKey(
        TreatmentJob,
        verbose_name=_("treatment job"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    control = models.ForeignKey(
        ControlRequest,
        verbose_name=_("control request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    issued_by = by_user(_("issued by"))

    class Meta:
        verbose_name = _("chemical issue")
        verbose_name_plural = _("chemical issues")
        ordering = ["-date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="termite_issue_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.lot} {self.quantity}"


class LabourPrice(models.Model):
    """The labour contract's unit price (施工劳务费) for a kind of work, dated: recorded work times the price
    is the labour cost charged to the special fund."""

    class Kind(models.TextChoices):
        PREVENTION = "prevention", _("Prevention treatment (per m²)")
        HOUSE_CONTROL = "house_control", _("House control (per m²)")
        TREE_CONTROL = "tree_control", _("Tree control (per tree)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    price = MoneyField(_("unit price"))
    effective_from = models.DateField(_("effective from"))
    contract_number = models.CharField(_("labour contract"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("labour price")
        verbose_name_plural = _("labour prices")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="termite_labour_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="termite_labour_price"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.price}"
