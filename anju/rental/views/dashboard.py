"""The rental dashboard: occupancy, rent, arrears and the year's progress."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from anju.core import kpis, memo
from anju.core.permissions import require
from anju.rental import queries, rules
from anju.rental.models import RentBill
from anju.rental.views.base import MODULE


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    today = timezone.localdate()
    year = int(year_text) if year_text.isdigit() and 2000 < int(year_text) < 2100 else today.year - (today.month < 3)
    if not RentBill.objects.filter(month__year=year).exists():
        latest = RentBill.objects.order_by("-month").values_list("month", flat=True).first()
        year = latest.year if latest and not year_text else year
    as_of = min(today, dt.date(year, 12, 31)) if year < today.year else today
    # The tables' versions and the counts shown twice read once (anju.core.memo); the figures kept per version.
    with memo.scope():
        figures = [
            {"kpi": kpi, "value": kpis.as_json(kpi, value), "url": url}
            for kpi, value, url in kpis.kept_figures(kpis.all_kpis(MODULE), year, queries.TABLES)
        ]
        series = queries.monthly_series(year)
        ageing = queries.ageing(as_of)
        reviews_due = queries.reviews_due_count(year)
        reviews_done = queries.reviews_done_count(year)
        inspection = queries.inspection_progress(year)
    chart = {
        "months": [f"{m['month']}月" for m in series],
        "billed": [float(m["billed"]) for m in series],
        "paid": [float(m["paid"]) for m in series],
        "received": [float(m["received"]) for m in series],
    }
    return render(
        request,
        "rental/home.html",
        {
            "tab": "home",
            "year": year,
            "years": range(today.year, 2018, -1),
            "figures": figures,
            "occupancy": queries.occupancy(),
            "series": series,
            "chart_json": json.dumps(chart),
            "ageing": ageing,
            "ageing_total": sum(ageing.values()),
            "as_of": as_of,
            "reviews": {"due": reviews_due, "done": reviews_done, "rate": rules.percent(reviews_done, reviews_due)},
            "inspection": inspection,
            "waiting": queries.waiting_list().count(),
        },
    )
