"""A record's page lists the other lines' records about it through anju.core.related, without importing
them: the petition that asked for a termite control request is shown on the request's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_control_requests_page_lists_the_petitions_about_it(client_for: Callable[..., Client]) -> None:
    from anju.petitions import actions as petitions
    from anju.petitions.tests import factories as petitions_factories
    from anju.termite import actions as termite

    request = termite.open_control_request(
        None,
        received_on=dt.date(2023, 5, 1),
        requester_kind="resident",
        requester_name="王五",
        channel="petition",
        target="house",
        address="迎丰路8号",
        area=Decimal("40"),
    )
    case = petitions_factories.case(subject="家中发现白蚁")
    petitions.link_record(None, case, request)
    petitions_factories.case(subject="与白蚁无关")
    body = client_for("station").get(reverse("termite:request", args=[request.pk])).content.decode()
    section = body.split('id="request-related"')[1].split("</section>")[0]
    assert f"{case.number} 家中发现白蚁" in section and "与白蚁无关" not in section
