"""Every read of petitions that a page, the API or a KPI needs: the year's online items and referrals, their
replies and closures (the closure kind as it stood at the year's end), commitments, overdue and repeat
cases, satisfaction, the board of open deadlines and a campaign's progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from anju.core import kpis as registry
from anju.core import related
from anju.core.links import reverse
from anju.petitions import rules
from anju.petitions.models import Campaign, Case, CaseDeadline, Commitment, Incident

S = Case.Status
OPEN = (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.REVIEWING)
ZERO = Decimal("0.00")


def year_end(year: int) -> dt.date:
    """The day a year's figures are taken at: 31 December, or today during the year."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def received(year: int) -> QuerySet[Case]:
    return Case.objects.filter(received_on__year=year)


def online_cases(year: int) -> QuerySet[Case]:
    """网络舆情事项: cases of the online channels received in the year."""
    return received(year).filter(channel__online=True)


def online_replied(year: int) -> QuerySet[Case]:
    return online_cases(year).filter(replied_on__isnull=False)


def online_closed(year: int) -> QuerySet[Case]:
    return online_cases(year).filter(closed_on__isnull=False)


def online_replied_on_time(year: int) -> QuerySet[Case]:
    """Online items whose reply was in time (by the reply deadline, else the completion deadline)."""
    met = CaseDeadline.objects.filter(step__in=[rules.Step.REPLY, rules.Step.COMPLETE], met_on__lte=F("due"))
    return online_replied(year).filter(pk__in=met.values("case_id")).distinct()


def referrals(year: int) -> QuerySet[Case]:
    """巡视组交办件: cases of the inspection team's channel received in the year."""
    return received(year).filter(channel__referral=True)


def referrals_on_time(year: int) -> QuerySet[Case]:
    """Referrals closed by their completion deadline."""
    met = CaseDeadline.objects.filter(step=rules.Step.COMPLETE, met_on__isnull=False, met_on__lte=F("due"))
    return referrals(year).filter(closed_on__isnull=False, pk__in=met.values("case_id"))


def closed_as(cases: QuerySet[Case], kind: str, on: dt.date) -> QuerySet[Case]:
    """The cases whose closure kind on the day was `kind` (a later conversion does not count yet)."""
    closed = cases.filter(closed_on__isnull=False, closed_on__lte=on)
    if kind == rules.Closure.SUBSTANTIVE:
        return closed.filter(closure_kind=kind).filter(Q(converted_on__isnull=True) | Q(converted_on__lte=on))
    return closed.filter(Q(closure_kind=kind) | Q(converted_on__gt=on))


def referrals_closed_as(year: int, kind: str) -> QuerySet[Case]:
    return closed_as(referrals(year), kind, dt.date(year, 12, 31))


def referral_commitments(year: int) -> QuerySet[Commitment]:
    """息访罢诉承诺书 signed in the year on referred cases."""
    return Commitment.objects.filter(signed_on__year=year, case__channel__referral=True)


def followup_open(year: int) -> QuerySet[Case]:
    """The year's referrals closed procedurally and not (yet) settled on their merits (百日攻坚's list)."""
    return referrals(year).filter(closed_on__isnull=False, closure_kind=rules.Closure.PROCEDURAL)


def overdue(year: int) -> QuerySet[Case]:
    """Cases received in the year with a deadline missed (done after it, or still open past it at the year's
    end)."""
    end = year_end(year)
    missed = CaseDeadline.objects.filter(Q(met_on__gt=F("due")) | Q(met_on__isnull=True, due__lt=end))
    return received(year).filter(pk__in=missed.values("case_id"))


def repeats(year: int) -> QuerySet[Case]:
    """Cases received in the year that repeat an earlier one (same petitioner, same subject, 12 months)."""
    return received(year).filter(repeat_of__isnull=False)


def incidents(year: int) -> QuerySet[Incident]:
    """不良舆情 recorded as occurring in the year."""
    return Incident.objects.filter(occurred_on__year=year)


def closed_in(year: int) -> QuerySet[Case]:
    return Case.objects.filter(closed_on__year=year)


def satisfaction_rate(year: int) -> Decimal:
    """(满意 + 基本满意) ÷ reached, of the cases closed in the year."""
    counts = dict(
        closed_in(year).exclude(satisfaction="").values_list("satisfaction").annotate(n=Count("pk")).order_by()
    )
    reached = sum(n for k, n in counts.items() if k != Case.Satisfaction.UNREACHED)
    return registry.rate(
        counts.get(Case.Satisfaction.SATISFIED, 0) + counts.get(Case.Satisfaction.BASICALLY, 0), reached
    )


# --- the board -----------------------------------------------------------------------------------------


def open_deadlines() -> QuerySet[CaseDeadline]:
    """Deadlines of open cases not met yet, soonest first, with their case, handler and department."""
    return (
        CaseDeadline.objects.filter(met_on__isnull=True, case__status__in=OPEN)
        .select_related("case", "case__handler", "case__department", "case__channel")
        .order_by("due", "case__number")
    )


@dataclass(frozen=True)
class BoardRow:
    deadline: CaseDeadline
    state: rules.State


def board(on: dt.date, deadlines: QuerySet[CaseDeadline] | None = None) -> list[BoardRow]:
    """The open deadlines with their state on the day (one holiday calendar read once)."""
    from anju.lib import dates

    rows = list(deadlines if deadlines is not None else open_deadlines())
    calendar = dates.default_calendar() if rows else None
    return [BoardRow(d, d.state(on, calendar)) for d in rows]


def overdue_deadlines(on: dt.date) -> QuerySet[CaseDeadline]:
    """The daily overdue list for leaders: open deadlines past their due day."""
    return open_deadlines().filter(due__lt=on)


# --- campaigns -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    cases: int
    substantive: int
    procedural: int
    open: int

    @property
    def rate(self) -> Decimal:
        return registry.rate(self.substantive, self.cases)


def campaign_progress(campaign: Campaign) -> Progress:
    """How many of the campaign's cases are settled on their merits now (one query)."""
    counts = campaign.cases.aggregate(
        n=Count("pk"),
        substantive=Count("pk", filter=Q(closure_kind=rules.Closure.SUBSTANTIVE)),
        procedural=Count("pk", filter=Q(closure_kind=rules.Closure.PROCEDURAL)),
        open=Count("pk", filter=Q(status__in=OPEN)),
    )
    return Progress(counts["n"], counts["substantive"], counts["procedural"], counts["open"])


def cases_about(record: models.Model) -> QuerySet[Case]:
    """The cases linked to a record of another line (for that line's page: no import of this line's models
    is needed beyond this function)."""
    content_type = ContentType.objects.get_for_model(record)
    return Case.objects.filter(links__content_type=content_type, links__object_id=record.pk).distinct()


def related_cases(record: models.Model) -> list[related.Related]:
    """The cases linked to a record, as the kit's related items (registered with anju.core.related)."""
    return [
        related.Related("信访件", f"{c.number} {c.subject}", reverse("petitions:case", args=[c.pk]), c.received_on,
                        c.get_status_display())
        for c in cases_about(record).order_by("-received_on", "-pk")
    ]  # fmt: skip
