"""The owners' balance query (业主查询): public, no login; the owner's ID number and name in, the balances of the
units they own out. Limited per ID number, and per address with a CAPTCHA after failures (`actions`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from anju.core.client_address import client_ip
from anju.fund.owner_query import actions, captcha, queries

TEMPLATE = "fund/owner_query.html"


def _form(request: HttpRequest, status: int = 200, **context: object) -> HttpResponse:
    """The query form, with a CAPTCHA when the address has failed CAPTCHA_AFTER times in a row."""
    needs = actions.failures_in_a_row(client_ip(request)) >= actions.CAPTCHA_AFTER
    if needs:
        captcha.new_challenge(request.session)
    return render(request, TEMPLATE, {"captcha": needs, **context}, status=status)


def _limited(request: HttpRequest, refusal: str) -> HttpResponse:
    response = render(request, TEMPLATE, {"limited": refusal}, status=429)
    response["Retry-After"] = str(actions.WINDOW.seconds)
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def owner_query(request: HttpRequest) -> HttpResponse:
    """Every wrong pair gets the same page, and nothing typed is shown back, so the answer tells nothing about
    which part was wrong."""
    if request.method != "POST":
        return _form(request)
    ip = client_ip(request)
    number = request.POST.get("id_number", "")
    in_a_row, refusal = actions.check_limits(ip, number)
    if in_a_row >= actions.CAPTCHA_AFTER and not captcha.passes(request.session, request.POST.get("captcha", "")):
        return _form(request, failed=queries.BAD_CAPTCHA)
    if refusal:
        actions.record_refused(ip, number)
        return _limited(request, refusal)
    # Looked up before the attempt is written, so it is written once, with its outcome.
    accounts = queries.find_accounts(request.POST.get("name", ""), number)
    # On PostgreSQL the units' journal lines are read with the attempt's counts, in one statement.
    read = queries.lines_read(accounts)
    _, refusal, lines = actions.register_attempt(ip, number, found=bool(accounts), read=read)
    if refusal:  # simultaneous attempts went past the limit meanwhile
        return _limited(request, refusal)
    if not accounts:
        return _form(request, failed=queries.NO_MATCH)
    return render(request, TEMPLATE, {"statements": queries.owner_statements(accounts, lines if read else None)})


@login_not_required
@never_cache
@require_GET
def captcha_image(request: HttpRequest) -> HttpResponse:
    """The picture of the session's CAPTCHA digits (none: a blank 404)."""
    answer = request.session.get(captcha.KEY)
    if not answer:
        return HttpResponse(status=404)
    return HttpResponse(captcha.png(str(answer)), content_type="image/png")
