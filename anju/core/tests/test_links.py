"""Addresses reversed once (anju.core.links): each the address Django gives, kept per view, arguments,
URLconf, script prefix and application, the table emptied when a setting changes and never longer than its
bound; `{% url %}` answered from the same table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django import urls
from django.template import Context, Template
from django.test import override_settings
from django.urls import path, set_script_prefix

from anju.core import links


@pytest.fixture
def django_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    """Each call that reaches Django's resolver, with its view name and arguments, on an empty table."""
    calls: list[tuple[Any, ...]] = []
    real = links.django_reverse

    def counted(viewname: Any, *args: Any, **kwargs: Any) -> str:
        calls.append((viewname, *args))
        return real(viewname, *args, **kwargs)

    monkeypatch.setattr(links, "django_reverse", counted)
    links.forget()
    yield calls
    links.forget()


def test_the_same_address_as_django_and_the_second_time_from_the_table(django_calls) -> None:
    cases: list[tuple[str, list[Any] | None]] = [
        ("core:jobs", None),
        ("registry:unit", ["A-101"]),
        ("registry:unit", ["B 2#3"]),  # quoted as Django quotes it
        ("registry:person", [42]),
        ("registry:person", [43]),
    ]
    first = [links.reverse(name, args=args) for name, args in cases]
    assert first == [urls.reverse(name, args=args) for name, args in cases]
    assert len(django_calls) == len(cases)
    again = [links.reverse(name, args=args) for name, args in cases]
    assert again == first
    assert len(django_calls) == len(cases)  # none reached the resolver again
    assert links.reverse("registry:person", args=["42"]) == first[3]  # "42" is another key, the same address
    assert len(django_calls) == len(cases) + 1


def test_calls_it_does_not_keep_go_to_django_each_time(django_calls) -> None:
    for _ in range(2):
        assert links.reverse("registry:person", kwargs={"pk": 7}) == urls.reverse("registry:person", args=[7])
        assert links.reverse("core:jobs", query={"page": "2"}) == "/jobs/?page=2"
        assert links.reverse("registry:unit", args=[("A", 1)]) == urls.reverse("registry:unit", args=[("A", 1)])
    assert len(django_calls) == 6


def test_a_missing_view_is_refused_as_django_refuses_it(django_calls) -> None:
    with pytest.raises(urls.NoReverseMatch):
        links.reverse("core:no_such_page")
    with pytest.raises(urls.NoReverseMatch):
        links.reverse("registry:person", args=["not a number"])
    assert len(links._kept) == 0


def test_the_script_prefix_is_part_of_the_key(django_calls) -> None:
    plain = links.reverse("core:jobs")
    set_script_prefix("/anju/")
    try:
        assert links.reverse("core:jobs") == "/anju" + plain
    finally:
        set_script_prefix("/")
    assert links.reverse("core:jobs") == plain


urlpatterns = [path("elsewhere/jobs/", lambda request: None, name="jobs")]


def test_another_urlconf_gives_its_own_address_and_the_table_is_emptied(django_calls) -> None:
    assert links.reverse("core:jobs") == "/jobs/"
    with override_settings(ROOT_URLCONF=__name__):
        assert len(links._kept) == 0  # emptied by the setting's change
        assert links.reverse("jobs") == "/elsewhere/jobs/"
        with pytest.raises(urls.NoReverseMatch):
            links.reverse("core:jobs")
    assert links.reverse("core:jobs") == "/jobs/"


def test_the_table_never_holds_more_than_its_bound(django_calls, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links._kept, "size", 3)
    for pk in range(10):
        assert links.reverse("registry:person", args=[pk]) == f"/registry/persons/{pk}/"
        assert len(links._kept) <= 3
    assert [key[1] for key in links._kept.keys()] == [(7,), (8,), (9,)]  # the oldest went first
    links.reverse("registry:person", args=[0])
    assert len(django_calls) == 11  # 0 was no longer kept


def test_the_url_tag_is_answered_from_the_table(django_calls) -> None:
    template = Template("{% url 'registry:unit' code %}|{% url 'core:jobs' %}")
    for code in ("U-1", "U-2", "U-1"):
        assert template.render(Context({"code": code})) == f"/registry/units/{code}/|/jobs/"
    assert [call[0] for call in django_calls] == ["registry:unit", "core:jobs", "registry:unit"]


def test_the_url_tag_keeps_djangos_as_var_and_its_errors(django_calls) -> None:
    assert Template("{% url 'core:no_such_page' as missing %}[{{ missing }}]").render(Context()) == "[]"
    with pytest.raises(urls.NoReverseMatch):
        Template("{% url 'core:no_such_page' %}").render(Context())
    shown = Template("{% url 'registry:unit' code as link %}<{{ link }}>").render(Context({"code": "A&B"}))
    assert shown == "<" + urls.reverse("registry:unit", args=["A&B"]).replace("&", "&amp;") + ">"
