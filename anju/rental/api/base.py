"""What the rental API's routers share: permission checks, the page window, a lease by its number."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from anju.core.apikit import Paging
from anju.core.ids import MaskedId
from anju.core.permissions import check
from anju.rental.models import Lease

MODULE = "rental"
IdNumber = Annotated[str, MaskedId(MODULE)]


def window(qs: QuerySet[Any], paging: Paging) -> QuerySet[Any]:
    """The page of a list answered as a plain JSON array (no count)."""
    start, stop = paging.bounds()
    return qs[start:stop]


def can_view(request: HttpRequest) -> None:
    check(request.user, MODULE, "view")


def can_handle(request: HttpRequest) -> None:
    check(request.user, MODULE, "handle")


def lease_by_number(number: str) -> Lease:
    return get_object_or_404(Lease.objects.select_related("rental_unit__unit", "household"), number=number)
