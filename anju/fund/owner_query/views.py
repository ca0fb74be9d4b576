"""The owners' balance query (业主查询): public, no login, rate-limited per IP address."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anju.core.listing import client_ip
from anju.fund.owner_query import actions, queries

TEMPLATE = "fund/owner_query.html"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def owner_query(request: HttpRequest) -> HttpResponse:
    """Unit code and ID number in, the unit account out. Every wrong pair gets the same page, and
    nothing typed is shown back, so the answer tells nothing about which part was wrong."""
    if request.method != "POST":
        return render(request, TEMPLATE, {})
    attempt, allowed = actions.register_attempt(client_ip(request))
    if not allowed:
        response = render(request, TEMPLATE, {"limited": actions.TOO_MANY}, status=429)
        response["Retry-After"] = str(actions.WINDOW.seconds)
        return response
    account = queries.find_account(request.POST.get("unit", ""), request.POST.get("id_number", ""))
    if account is None:
        return render(request, TEMPLATE, {"failed": queries.NO_MATCH})
    actions.mark_success(attempt)
    return render(request, TEMPLATE, {"statement": queries.owner_statement(account)})
