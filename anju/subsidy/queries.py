"""Every queryset the subsidy pages, the API and the KPIs need, as named functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from anju.core import memo
from anju.subsidy.models import Application, Batch, Event, Flag, Payment, Program, Status

ZERO = Decimal("0.00")


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def applications() -> QuerySet[Application]:
    """The list's rows: program and rule for the formula, an `open_flags` count."""
    open_flags = Flag.objects.filter(application=OuterRef("pk"), cleared_at__isnull=True)
    return Application.objects.select_related("program").annotate(flagged=Exists(open_flags))


def application_detail(pk: int) -> Application:
    return Application.objects.select_related("program", "rule", "buyer", "created_by").get(pk=pk)


def flags_of(app: Application) -> QuerySet[Flag]:
    return app.flags.select_related("other", "cleared_by").order_by("cleared_at", "id")


def open_flags() -> QuerySet[Flag]:
    return Flag.objects.filter(cleared_at__isnull=True).select_related("application", "other")


def batches() -> QuerySet[Batch]:
    return Batch.objects.select_related("program").annotate(
        paid=Count("payments", filter=Q(payments__state=Payment.State.PAID)),
        failed=Count("payments", filter=Q(payments__state=Payment.State.FAILED)),
    )


def programs() -> QuerySet[Program]:
    return Program.objects.prefetch_related("rules").order_by("-window_from", "code")


# --- KPIs ----------------------------------------------------------------------------------------------------


def reviewed(year: int) -> QuerySet[Application]:
    """Applications whose first review decision (通过 / 不通过 / 补正) is dated in the year."""
    return Application.objects.filter(reviewed_on__year=year)


def paid_payments(year: int) -> QuerySet[Payment]:
    return Payment.objects.filter(state=Payment.State.PAID, result_on__year=year)


def paid(year: int) -> QuerySet[Application]:
    """Applications with a successful bank result dated in the year (one application is one household)."""
    return Application.objects.filter(pk__in=paid_payments(year).values("application_id"))


def paid_count(year: int) -> int:
    return paid(year).count()


def paid_amount(year: int) -> Decimal:
    return paid_payments(year).aggregate(s=Sum("amount"))["s"] or ZERO


def paid_by_batch(year: int) -> list[int | Decimal | str]:
    """Households paid in the year, by batch ordinal (第一批, 第二批 …), for the report's prose."""
    rows = (
        paid_payments(year)
        .values("batch__program_id", "batch__ordinal")
        .annotate(n=Count("application_id", distinct=True))
        .order_by("batch__program__window_from", "batch__ordinal")
    )
    return [int(row["n"]) for row in rows]


def in_review(year: int) -> QuerySet[Application]:
    """Applications in a batch formed by the year's end and not paid or failed by then («审核拨付中»)."""
    end = year_end(year)
    pending = Payment.objects.filter(batch__formed_on__lte=end).filter(Q(result_on__isnull=True) | Q(result_on__gt=end))
    return Application.objects.filter(pk__in=pending.values("application_id"))


REJECTED = (Status.REJECTED, Status.APPEAL)
RETURNED = (Status.RETURNED, Status.DOCUMENTS)
AWAITING = (Status.TAX, Status.FINANCE, Status.NOTICE, Status.APPROVED, Status.FAILED)


def year_end_moment(year: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date(year + 1, 1, 1), dt.time.min))


def reviewed_in(year: int, states: tuple[str, ...]) -> QuerySet[Application]:
    """The year's reviewed applications that were in one of the states at the year's end, from their history
    (the report's split of subsidy.reviewed stays the same when the applications move on the next year)."""
    last = Event.objects.filter(application=OuterRef("pk"), at__lt=year_end_moment(year)).order_by("-at", "-pk")
    return (
        reviewed(year).annotate(status_at_end=Subquery(last.values("to_status")[:1])).filter(status_at_end__in=states)
    )


def reviewed_in_count(year: int, states: tuple[str, ...]) -> int:
    """How many `reviewed_in(year, states)` lists. The year's reviewed applications are counted by their state at
    the year's end in one grouped read, in a page's scope once for the split's four figures (`anju.core.memo`):
    the report's preview counted them four times over, each a correlated read of every application's history
    (4 × 38–42 ms on the demo city, SQLite)."""
    by_state = memo.once(("anju.subsidy.states_at_end", year), lambda: _states_at_end(year))
    return sum(by_state.get(state, 0) for state in states)


def _states_at_end(year: int) -> dict[str, int]:
    last = Event.objects.filter(application=OuterRef("pk"), at__lt=year_end_moment(year)).order_by("-at", "-pk")
    rows = (
        reviewed(year)
        .annotate(status_at_end=Subquery(last.values("to_status")[:1]))
        .order_by()
        .values("status_at_end")
        .annotate(n=Count("pk"))
    )
    return {str(row["status_at_end"]): int(row["n"]) for row in rows}


def flagged(year: int) -> QuerySet[Application]:
    """Applications of the year with a duplicate flag not yet cleared."""
    open_ = Flag.objects.filter(application=OuterRef("pk"), cleared_at__isnull=True)
    return Application.objects.filter(applied_on__year=year).filter(Exists(open_))
