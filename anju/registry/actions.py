"""State changes of the registry made by hand. Each is atomic and writes an audit event.

Bulk changes from property rolls go through importer.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.lib.ids import normalize_mobile, normalize_resident_id, normalize_uscc, resident_id_birth_date
from anju.lib.pinyin import initials
from anju.registry.errors import RegistryError
from anju.registry.models import Building, Enterprise, EnterpriseRegistration, Person

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


def clean_person_id(id_type: str, id_number: str) -> tuple[str, dt.date | None]:
    """The normalized number and, for resident IDs, the birth date it encodes (ValueError if invalid)."""
    number = (id_number or "").strip().upper()
    if not number:
        raise RegistryError("证件号码不能为空")
    if id_type == Person.IdType.RESIDENT:
        number = normalize_resident_id(number)
        return number, resident_id_birth_date(number)
    return number, None


@transaction.atomic
def create_person(
    actor: User | None, *, name: str, id_type: str, id_number: str, phone: str = "", address: str = ""
) -> Person:
    number, birth = clean_person_id(id_type, id_number)
    person = Person.objects.create(
        name=name.strip(),
        id_type=id_type,
        id_number=number,
        birth_date=birth,
        phone=normalize_mobile(phone) if phone else "",
        address=address.strip(),
        initials=initials(name),
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
    person.phone = normalize_mobile(phone) if phone else ""
    person.address = address.strip()
    person.initials = initials(person.name)
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
    enterprise = Enterprise.objects.create(
        name=name.strip(),
        uscc=normalize_uscc(uscc),
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
        raise RegistryError("标记失联须填写失联日期")
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
    new_uscc = normalize_uscc(uscc)
    if new_uscc != enterprise.uscc and Enterprise.objects.filter(uscc=new_uscc).exclude(pk=enterprise.pk).exists():
        raise RegistryError("该统一社会信用代码已登记为另一家企业")
    if (name.strip(), new_uscc, legal_representative.strip()) == (
        enterprise.name,
        enterprise.uscc,
        enterprise.legal_representative,
    ):
        raise RegistryError("变更登记的名称、代码、法定代表人与现登记一致，无需变更")
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
