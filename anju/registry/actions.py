"""State changes of the registry. Each is atomic; those made by hand write an audit event.

The set-based registrations at the end (`register_*`, `open_ownerships`) write a city's roll at
once: the property-roll import (importer.py, which writes the one IMPORT audit event) and the demo
city both go through them."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from anju.core import audit, bulk
from anju.core.models import AuditEvent, User
from anju.lib.ids import normalize_mobile, normalize_resident_id, normalize_uscc, resident_id_birth_date
from anju.lib.pinyin import initials, person_initials
from anju.registry import queries
from anju.registry.errors import RegistryError
from anju.registry.models import Building, Enterprise, EnterpriseRegistration, Ownership, Person, Project, Unit

PERSON_FIELDS = ("name", "id_type", "id_number", "birth_date", "phone", "address")
ENTERPRISE_FIELDS = (
    "name",
    "uscc",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "address",
    "unreachable",
    "unreachable_since",
    "unreachable_note",
)
BUILDING_FIELDS = ("floors", "structure", "lift_count")
NUMBER_TAKEN = "该号码已有登记记录。"


def _checked[T](normalize: Callable[[str], T], value: str, *, code: str, field: str) -> T:
    """A value through its lib.ids normalizer; its ValueError becomes the registry's refusal on the field."""
    try:
        return normalize(value)
    except RegistryError:
        raise
    except ValueError as exc:
        raise RegistryError(str(exc), code=code, field=field) from None


@contextmanager
def _unique(message: str, field: str) -> Iterator[None]:
    """A unique number taken meanwhile (or already): the registry's refusal, never a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise RegistryError(message, code="number_taken", field=field) from None


def clean_person_id(id_type: str, id_number: str) -> tuple[str, dt.date | None]:
    """The normalized number and, for resident IDs, the birth date it encodes (RegistryError if invalid)."""
    number = (id_number or "").strip().upper()
    if not number:
        raise RegistryError("证件号码不能为空", code="id_number_required", field="id_number")
    if id_type == Person.IdType.RESIDENT:
        number = _checked(normalize_resident_id, number, code="bad_id_number", field="id_number")
        return number, _checked(resident_id_birth_date, number, code="bad_id_number", field="id_number")
    return number, None


def _phone(phone: str) -> str:
    return _checked(normalize_mobile, phone, code="bad_phone", field="phone") if phone else ""


@transaction.atomic
def create_person(
    actor: User | None, *, name: str, id_type: str, id_number: str, phone: str = "", address: str = ""
) -> Person:
    number, birth = clean_person_id(id_type, id_number)
    with _unique(NUMBER_TAKEN, "id_number"):
        person = Person.objects.create(
            name=name.strip(),
            id_type=id_type,
            id_number=number,
            birth_date=birth,
            phone=_phone(phone),
            address=address.strip(),
            initials=person_initials(name),
        )
    audit.record(actor, AuditEvent.Action.CREATE, person, after=audit.snapshot(person, PERSON_FIELDS))
    return person


@transaction.atomic
def update_person(
    actor: User | None, person: Person, *, name: str, id_type: str, id_number: str, phone: str, address: str
) -> Person:
    before = audit.snapshot(person, PERSON_FIELDS)
    number, birth = clean_person_id(id_type, id_number)
    person.name, person.id_type, person.id_number, person.birth_date = name.strip(), id_type, number, birth
    person.phone = _phone(phone)
    person.address = address.strip()
    person.initials = person_initials(person.name)
    with _unique(NUMBER_TAKEN, "id_number"):
        person.save()
    audit.record_change(actor, person, before)
    return person


@transaction.atomic
def create_enterprise(
    actor: User | None,
    *,
    name: str,
    uscc: str,
    legal_representative: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Enterprise:
    code = _checked(normalize_uscc, uscc, code="bad_uscc", field="uscc")
    with _unique(NUMBER_TAKEN, "uscc"):
        enterprise = Enterprise.objects.create(
            name=name.strip(),
            uscc=code,
            legal_representative=legal_representative.strip(),
            contact_person=contact_person.strip(),
            contact_phone=contact_phone.strip(),
            address=address.strip(),
            initials=initials(name),
        )
    audit.record(actor, AuditEvent.Action.CREATE, enterprise, after=audit.snapshot(enterprise, ENTERPRISE_FIELDS))
    return enterprise


@transaction.atomic
def update_enterprise_contacts(
    actor: User | None, enterprise: Enterprise, *, contact_person: str, contact_phone: str, address: str
) -> Enterprise:
    """Contacts and address; name, code and legal representative change only by re-registration."""
    before = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    enterprise.contact_person, enterprise.contact_phone = contact_person.strip(), contact_phone.strip()
    enterprise.address = address.strip()
    enterprise.save()
    audit.record_change(actor, enterprise, before)
    return enterprise


@transaction.atomic
def set_unreachable(
    actor: User | None, enterprise: Enterprise, *, unreachable: bool, since: dt.date | None, note: str
) -> Enterprise:
    """Mark an enterprise unreachable (失联: notices cannot be served) or reachable again."""
    if unreachable and since is None:
        raise RegistryError("标记失联须填写失联日期", code="since_required")
    before = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    enterprise.unreachable = unreachable
    enterprise.unreachable_since = since if unreachable else None
    enterprise.unreachable_note = note.strip() if unreachable else ""
    enterprise.save()
    audit.record_change(actor, enterprise, before, note=note)
    return enterprise


@transaction.atomic
def reregister_enterprise(
    actor: User | None,
    enterprise: Enterprise,
    *,
    date: dt.date,
    name: str,
    uscc: str,
    legal_representative: str,
    note: str = "",
) -> EnterpriseRegistration:
    """Record a re-registration (变更登记): the enterprise takes the new particulars, the old stay in history."""
    new_uscc = _checked(normalize_uscc, uscc, code="bad_uscc", field="uscc")
    if new_uscc != enterprise.uscc and Enterprise.objects.filter(uscc=new_uscc).exclude(pk=enterprise.pk).exists():
        raise RegistryError("该统一社会信用代码已登记为另一家企业", code="uscc_taken")
    if (name.strip(), new_uscc, legal_representative.strip()) == (
        enterprise.name,
        enterprise.uscc,
        enterprise.legal_representative,
    ):
        raise RegistryError("变更登记的名称、代码、法定代表人与现登记一致，无需变更", code="nothing_changed")
    before = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    registration = EnterpriseRegistration.objects.create(
        enterprise=enterprise,
        date=date,
        old_name=enterprise.name,
        new_name=name.strip(),
        old_uscc=enterprise.uscc,
        new_uscc=new_uscc,
        old_legal_representative=enterprise.legal_representative,
        new_legal_representative=legal_representative.strip(),
        note=note.strip(),
    )
    enterprise.name, enterprise.uscc = name.strip(), new_uscc
    enterprise.legal_representative = legal_representative.strip()
    enterprise.initials = initials(enterprise.name)
    enterprise.save()
    audit.record_change(actor, enterprise, before, note=f"变更登记 {date.isoformat()} {note}".strip())
    return registration


@transaction.atomic
def update_building(
    actor: User | None, building: Building, *, floors: int | None, structure: str, lift_count: int
) -> Building:
    before = audit.snapshot(building, BUILDING_FIELDS)
    building.floors, building.structure, building.lift_count = floors, structure, lift_count
    building.save()
    audit.record_change(actor, building, before)
    return building


@transaction.atomic
def record_past_registration(
    actor: User | None,
    enterprise: Enterprise,
    *,
    date: dt.date,
    old_name: str,
    old_legal_representative: str,
    note: str = "",
) -> EnterpriseRegistration:
    """Enter a re-registration made before the registry kept them: the enterprise already bears the new
    particulars, the history gains the old ones."""
    registration = EnterpriseRegistration.objects.create(
        enterprise=enterprise,
        date=date,
        old_name=old_name.strip(),
        new_name=enterprise.name,
        old_legal_representative=old_legal_representative.strip(),
        new_legal_representative=enterprise.legal_representative,
        note=note.strip(),
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        registration,
        model=EnterpriseRegistration._meta.label,
        object_repr=f"{enterprise.name} {date.isoformat()}",
        after={"old_name": old_name, "old_legal_representative": old_legal_representative},
    )
    return registration


# Set-based registration: a city's roll (a quarter of a million units) in a few statements. The
# caller writes the one audit event of the whole batch (the import's IMPORT event).

BATCH = 5000
Progress = Callable[[int], None] | None


class NewUnit(NamedTuple):
    code: str
    project_id: int
    building_id: int
    entrance: str
    room: str
    floor: int
    area: Decimal
    use: str


class NewPerson(NamedTuple):
    """A resident to register (ID number already normalized and checked)."""

    name: str
    id_number: str
    birth_date: dt.date | None
    phone: str = ""
    address: str = ""
    initials: str = ""  # empty: computed from the name (`person_initials`)


class NewHolding(NamedTuple):
    """An ownership to open: a person's or an enterprise's, from `start`."""

    unit_id: int
    person_id: int | None
    enterprise_id: int | None
    start: dt.date


def _create_in_batches[M: models.Model](model: type[M], objects: Sequence[M], progress: Progress) -> list[M]:
    created: list[M] = []
    for start in range(0, len(objects), BATCH):
        created.extend(model._default_manager.bulk_create(objects[start : start + BATCH], batch_size=BATCH))
        if progress is not None:
            progress(len(created))
    if progress is not None and not objects:
        progress(0)
    return created


@transaction.atomic
def register_enterprises(
    actor: User | None, enterprises: Sequence[Enterprise], *, progress: Progress = None
) -> list[Enterprise]:
    """New enterprises (codes normalized and checked by the caller), with their ids set."""
    return _create_in_batches(Enterprise, enterprises, progress)


@transaction.atomic
def register_projects(actor: User | None, projects: Sequence[Project], *, progress: Progress = None) -> list[Project]:
    return _create_in_batches(Project, projects, progress)


@transaction.atomic
def register_buildings(
    actor: User | None, buildings: Sequence[Building], *, progress: Progress = None
) -> list[Building]:
    return _create_in_batches(Building, buildings, progress)


@transaction.atomic
def register_units(actor: User | None, units: Sequence[NewUnit], *, progress: Progress = None) -> dict[str, int]:
    """Insert the units (multi-row INSERTs or COPY, see anju.core.bulk); their ids by unit code."""
    stamp = bulk.db_datetime(timezone.now())
    adapt = connection.ops.adapt_decimalfield_value
    return bulk.insert_returning_ids(
        Unit,
        ["code", "project_id", "building_id", "entrance", "room", "floor", "area", "use", "created", "updated"],
        ((*u[:6], adapt(u.area, 10, 2), u.use, stamp, stamp) for u in units),
        "code",
        progress=progress,
    )


@transaction.atomic
def register_persons(actor: User | None, persons: Sequence[NewPerson], *, progress: Progress = None) -> dict[str, int]:
    """Insert residents not yet registered; their ids by ID number. A person given without initials gets
    those of the name (the surname read as a surname)."""
    stamp = bulk.db_datetime(timezone.now())
    resident = str(Person.IdType.RESIDENT)
    of_name = functools.lru_cache(maxsize=8192)(person_initials)
    return bulk.insert_returning_ids(
        Person,
        ["name", "id_type", "id_number", "birth_date", "phone", "address", "initials", "created", "updated"],
        (
            (
                p.name,
                resident,
                p.id_number,
                p.birth_date,
                p.phone,
                p.address,
                p.initials or of_name(p.name),
                stamp,
                stamp,
            )
            for p in persons
        ),
        "id_number",
        progress=progress,
        id_type=resident,
    )


@transaction.atomic
def open_ownerships(actor: User | None, holdings: Iterable[NewHolding], *, progress: Progress = None) -> int:
    """Open the ownerships (the units' previous ones closed by the caller); returns the count."""
    return bulk.insert_rows(
        Ownership,
        ["unit_id", "person_id", "enterprise_id", "start", "end"],
        ((*h, None) for h in holdings),
        progress=progress,
    )


def audit_id_search(user: User | None, q: str, *, see_id: bool) -> None:
    """Writes to the audit log a search of an ID number by a name and its last digits by someone who may not
    see ID numbers (DESIGN: every look at an ID number is traceable)."""
    pair = queries.id_suffix_query(q.strip())
    if pair is None or see_id:
        return
    name, suffix = pair
    audit.record(
        user,
        AuditEvent.Action.VIEW,
        model="registry.Person",
        note=f"按姓名和证件号码后{len(suffix)}位查询：{name}、****{suffix}",
    )
