"""The shared registry: persons, enterprises, projects (小区), buildings (幢), units (房屋), ownership."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Right, Upper
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    """A natural person: owner, tenant, applicant, household member."""

    class IdType(models.TextChoices):
        RESIDENT = "resident", _("Resident ID card")
        PASSPORT = "passport", _("Passport")
        HK_MACAO = "hk_macao", _("Mainland travel permit for HK and Macao residents")
        TAIWAN = "taiwan", _("Mainland travel permit for Taiwan residents")
        FOREIGN_PR = "foreign_pr", _("Foreign permanent resident ID card")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=60)
    id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("ID number"), max_length=40)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    initials = models.CharField(_("pinyin initials"), max_length=60, blank=True, db_index=True)
    # The ID number's last 4 characters, kept by the database and indexed: a search by a name and the
    # number's last digits ("张三 1234") finds its rows by this index, never by scanning the numbers. Only
    # 4 characters: nothing here rebuilds a number, and no page or API shows it.
    id_tail = models.GeneratedField(
        expression=Upper(Right("id_number", 4)),
        output_field=models.CharField(max_length=4),
        db_persist=True,
        db_index=True,
        verbose_name=_("ID number's last 4 characters"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["id_type", "id_number"], name="person_unique_id")]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["id_number"]), models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """A legal entity: developer, property company, contractor, insurer."""

    name = models.CharField(_("name"), max_length=120)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    unreachable = models.BooleanField(_("unreachable"), default=False)
    unreachable_since = models.DateField(_("unreachable since"), null=True, blank=True)
    unreachable_note = models.CharField(_("unreachable note"), max_length=300, blank=True)
    initials = models.CharField(_("pinyin initials"), max_length=120, blank=True, db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class EnterpriseRegistration(models.Model):
    """A re-registration (变更登记) of an enterprise: name, code or legal representative changed."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="registrations"
    )
    date = models.DateField(_("date"))
    old_name = models.CharField(_("old name"), max_length=120, blank=True)
    new_name = models.CharField(_("new name"), max_length=120, blank=True)
    old_uscc = models.CharField(_("old code"), max_length=18, blank=True)
    new_uscc = models.CharField(_("new code"), max_length=18, blank=True)
    old_legal_representative = models.CharField(_("old legal representative"), max_length=60, blank=True)
    new_legal_representative = models.CharField(_("new legal representative"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("enterprise re-registration")
        verbose_name_plural = _("enterprise re-registrations")
        ordering = ["enterprise", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.date}"


class Project(models.Model):
    """A project (小区/项目): a development or estate, the unit of fund disclosure."""

    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", _("Commercial housing")
        PUBLIC_RENTAL = "public_rental", _("Public rental housing")
        SOLD_PUBLIC = "sold_public", _("Sold public housing")
        RESETTLEMENT = "resettlement", _("Resettlement housing")
        AFFORDABLE = "affordable", _("Affordable housing")
        OTHER = "other", _("Other")

    code = models.CharField(_("project code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    developer = models.ForeignKey(
        Enterprise,
        verbose_name=_("developer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMERCIAL)
    initials = models.CharField(_("pinyin initials"), max_length=120, blank=True, db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Building(models.Model):
    """A building (幢) of a project."""

    class Structure(models.TextChoices):
        BRICK_CONCRETE = "brick_concrete", _("Brick and concrete")
        FRAME = "frame", _("Frame")
        FRAME_SHEAR = "frame_shear", _("Frame and shear wall")
        SHEAR = "shear", _("Shear wall")
        STEEL = "steel", _("Steel")
        OTHER = "other", _("Other")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="buildings")
    number = models.CharField(_("building number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    structure = models.CharField(_("structure"), max_length=20, choices=Structure.choices, blank=True)
    lift_count = models.PositiveSmallIntegerField(_("lifts"), default=0)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="building_unique_number")]

    def __str__(self) -> str:
        return f"{self.project.name} {self.number}幢"


class Unit(models.Model):
    """A unit (房屋): one door number, the holder of a per-unit fund account."""

    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        NON_RESIDENTIAL = "non_residential", _("Non-residential")
        SHOP = "shop", _("Shop")

    code = models.CharField(_("unit code"), max_length=80, unique=True)
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="units")
    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="units")
    entrance = models.CharField(_("entrance"), max_length=20)
    room = models.CharField(_("room number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"))
    area = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=2)
    use = models.CharField(_("use"), max_length=20, choices=Use.choices, default=Use.RESIDENTIAL)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(area__gt=0), name="unit_area_positive")]

    def __str__(self) -> str:
        return self.code

    @staticmethod
    def make_code(project_code: str, building: str, entrance: str, room: str) -> str:
        return f"{project_code}-{building}-{entrance}-{room}"

    def current_ownership(self) -> Ownership | None:
        return self.ownerships.filter(end__isnull=True).first()


class Ownership(models.Model):
    """Who owned a unit from when to when; the open one (no end) is the current owner."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="ownerships")
    person = models.ForeignKey(
        Person,
        verbose_name=_("owner (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ownerships",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("owner (enterprise)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ownerships",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["unit", "-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(enterprise__isnull=True))
                | (Q(person__isnull=True) & Q(enterprise__isnull=False)),
                name="ownership_one_owner",
            ),
            models.UniqueConstraint(fields=["unit"], condition=Q(end__isnull=True), name="ownership_one_current"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="ownership_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.owner}"

    @property
    def owner(self) -> Person | Enterprise | None:
        return self.person or self.enterprise
