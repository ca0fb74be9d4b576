"""The annual review (年审) and home visits (入户调查)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from anju.core import audit
from anju.core.models import User
from anju.rental.actions.base import CREATE
from anju.rental.errors import RentalError
from anju.rental.models import Household, Inspection, Lease, Review


@transaction.atomic
def open_reviews(actor: User | None, year: int, on: dt.date) -> int:
    """Open the year's annual review (年审) on the day: one due review for every household with a home
    lease in force on it that has none for the year yet; returns how many were opened."""
    from anju.rental import queries

    if on.year != year:
        raise RentalError("开启日期须在年审年度内", code="review_year")
    in_force = queries.leases_in_force(on).exclude(household__isnull=True).values("household")
    due = Household.objects.filter(pk__in=in_force).exclude(reviews__year=year)
    reviews = [Review(household_id=pk, year=year) for pk in due.values_list("pk", flat=True)]
    Review.objects.bulk_create(reviews, batch_size=2000)
    audit.record(
        actor, CREATE, model=Review._meta.label, object_repr=str(year), after={"on": str(on), "opened": len(reviews)}
    )
    return len(reviews)


@transaction.atomic
def record_review(actor: User | None, review: Review, *, outcome: str, on: dt.date, note: str = "") -> Review:
    """The review's outcome: still eligible, market rent from the next lease, or exit."""
    if outcome == Review.Outcome.DUE:
        raise RentalError("请选择年审结论", code="outcome_required")
    review = Review.objects.select_for_update().get(pk=review.pk)
    before = audit.snapshot(review, ["outcome", "reviewed_on", "note"])
    review.outcome, review.reviewed_on, review.note = outcome, on, note
    review.save(update_fields=["outcome", "reviewed_on", "note"])
    audit.record_change(actor, review, before)
    return review


@transaction.atomic
def record_inspection(
    actor: User | None, lease: Lease, *, visit: str, on: dt.date, finding: str, inspector: str, note: str = ""
) -> Inspection:
    if lease.household_id is None:
        raise RentalError("入户调查只针对住房承租家庭", code="not_home_lease")
    if (
        visit == Inspection.Visit.REINSPECTION
        and not Inspection.objects.filter(lease=lease, visit=Inspection.Visit.INSPECTION, visited_on__lte=on).exists()
    ):
        raise RentalError("复查前须先有入户调查记录", code="no_inspection")
    inspection = Inspection.objects.create(
        household_id=lease.household_id,
        lease=lease,
        visit=visit,
        visited_on=on,
        finding=finding,
        inspector=inspector,
        note=note,
    )
    audit.record(actor, CREATE, inspection, after=audit.snapshot(inspection))
    return inspection
