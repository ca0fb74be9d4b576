"""The center's name and city come from its own record: set on a page or by command, audited, and
printed on the documents; a fresh install prints that the name is missing, never another city's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from anju.core import organisation
from anju.core.models import AuditEvent, Organisation
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db


def test_admin_sets_the_organisation_on_its_page_and_it_is_audited(client_for) -> None:
    admin = client_for("admin")
    assert 'href="/organisation/"' in admin.get("/").content.decode()  # the first-run to-do
    response = admin.post("/organisation/", {"name": "岳阳市住房保障服务中心", "city": "岳阳市", "station": ""})
    assert response.status_code == 302
    assert organisation.current().name == "岳阳市住房保障服务中心"
    assert 'href="/organisation/"' not in admin.get("/").content.decode()
    station = "岳阳市住房保障服务站"
    admin.post("/organisation/", {"name": "岳阳市住房保障服务中心", "city": "岳阳市", "station": station})
    change = AuditEvent.objects.filter(model="core.Organisation", action=AuditEvent.Action.UPDATE).get()
    assert change.before["station"] == "" and change.after["station"] == "岳阳市住房保障服务站"
    assert Organisation.objects.count() == 1
    assert client_for("station").get("/organisation/").status_code == 403


def test_name_and_city_are_required() -> None:
    with pytest.raises(organisation.OrganisationError) as refused:
        organisation.set_organisation(None, name="某中心", city=" ")
    assert refused.value.field == "city" and not Organisation.objects.exists()


def test_the_command_shows_and_sets_it() -> None:
    out = io.StringIO()
    call_command("organisation", name="常德市住房保障服务中心", city="常德市", stdout=out)
    assert "name: 常德市住房保障服务中心" in out.getvalue() and "city: 常德市" in out.getvalue()
    with pytest.raises(CommandError, match="所在城市"):
        call_command("organisation", city="", stdout=io.StringIO())


def test_printed_documents_name_the_centers_own_city(client_for) -> None:
    factories.rates()
    unit = factories.estate(homes=1, shops=0)[0]
    lease = factories.home_lease(unit, 1, start=dt.date(2023, 1, 1))
    client = client_for("station", "housing")
    unset = client.get(f"/rental/leases/{lease.pk}/contract/").content.decode()
    assert organisation.NOT_SET in unset and "怀化" not in unset
    organisation.set_organisation(None, name="岳阳市住房保障服务中心", city="岳阳市")
    html = client.get(f"/rental/leases/{lease.pk}/contract/").content.decode()
    assert "岳阳市公共租赁住房租赁合同" in html and "岳阳市住房保障服务中心" in html and "怀化" not in html
