"""`core.errors.refused`: a refused change becomes a form error, a flash message, or an outcome the view shows."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory

from anju.core.errors import refused
from anju.lib.errors import DomainError


class _Form(forms.Form):
    name = forms.CharField()


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_an_error_naming_a_field_of_the_form_lands_on_that_field() -> None:
    form = _Form({"name": "x"})
    assert form.is_valid()
    with refused(form) as outcome:
        raise DomainError("名称已存在", code="taken", field="name")
    assert not outcome.ok and outcome.error is not None and outcome.error.code == "anju.taken"
    assert form.errors == {"name": ["名称已存在"]}


def test_an_error_naming_no_field_of_the_form_lands_above_it() -> None:
    form = _Form({"name": "x"})
    assert form.is_valid()
    with refused(form):
        raise DomainError("不允许", field="other")
    assert form.non_field_errors() == ["不允许"]


def test_a_button_without_a_form_gets_a_flash_message_and_none_leaves_it_to_the_view() -> None:
    request = _request()
    with refused(request) as outcome:
        raise DomainError("已处置")
    assert outcome.message == "已处置"
    with refused(None) as quiet:
        raise DomainError("正在生成")
    assert quiet.message == "正在生成"
    assert [str(m) for m in get_messages(request)] == ["已处置"]  # None added no message


def test_a_block_that_succeeds_is_ok_and_other_errors_pass_through() -> None:
    with refused(None) as outcome:
        pass
    assert outcome.ok and outcome.message == ""
    with pytest.raises(KeyError), refused(None):
        raise KeyError("not a refusal")
