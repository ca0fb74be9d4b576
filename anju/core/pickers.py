"""Searchable pickers for the records a form refers to (issue 19 item 2): staff type a few characters of a
name, its pinyin initials, a code or an address and click one of the suggestions instead of typing a code.

A business line registers a kind of record once (`register`): how a typed code finds it, how a search finds
at most LIMIT of them with indexed prefix or equality lookups (never a row-by-row scan of a large table), and
its one-line summary. A form field (`PickerField`) shows the search box (`PickerWidget`, driven by
static/js/picker.js) and still accepts a typed code, which it validates with an error naming the field.
The search endpoint (`pick`) answers only a user who may view the module the form belongs to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.permissions import can, check, login_required

LIMIT = 20


@dataclass(frozen=True)
class PickerKind:
    """One kind of record a picker chooses.

    search(q, user, limit) -> the matches; lookup(value) -> the record with this code or None;
    value(record) -> the code the form posts; summary(record, names) -> one line (names: the user may see
    people's names in full, else they are masked)."""

    name: str
    noun: Any  # what the record is called in an error: "项目", "房屋"
    search: Callable[[str, Any, int], Sequence[Any]]
    lookup: Callable[[str], Any]
    value: Callable[[Any], str]
    summary: Callable[[Any, bool], str]
    modules: tuple[str, ...] = ()  # the modules whose forms pick this kind
    after_search: Callable[[Any, str], None] | None = field(default=None)  # e.g. audit a search by ID digits


_KINDS: dict[str, PickerKind] = {}


def register(kind: PickerKind) -> PickerKind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> PickerKind:
    kind = _KINDS.get(name)
    if kind is None:
        raise KeyError(f"no picker kind {name!r}: register it in the line's pickers.py")
    return kind


def sees_names(user: Any, module: str) -> bool:
    """People's names in full only to who may see identities in the module or the registry."""
    return can(user, module, "see_id") or can(user, "registry", "see_id")


@login_required
def pick(request: HttpRequest, module: str, kind: str) -> JsonResponse:
    """The suggestions for what was typed: at most LIMIT, each with the value to post and a summary."""
    entry = _KINDS.get(kind)
    if entry is None or module not in entry.modules:
        raise Http404("no such picker")
    check(request.user, module, "view")
    q = " ".join(request.GET.get("q", "").split())[:60]
    if not q:
        return JsonResponse({"results": []})
    names = sees_names(request.user, module)
    found = list(entry.search(q, request.user, LIMIT))[:LIMIT]
    if entry.after_search is not None:
        entry.after_search(request.user, q)
    return JsonResponse(
        {"results": [{"value": entry.value(r), "summary": entry.summary(r, names)} for r in found]},
        json_dumps_params={"ensure_ascii": False},
    )


class PickerWidget(forms.TextInput):
    """A text box that suggests records as one types; the chosen record's summary shows under it."""

    def __init__(
        self, kind: str, module: str, attrs: dict[str, Any] | None = None, *, append_to: str | None = None
    ) -> None:
        """append_to: the name of a textarea of the form that a chosen record's code is added to (a list of
        codes), the box then emptied for the next one."""
        self.kind, self.module, self.append_to = kind, module, append_to
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker"] = reverse("core:pick", args=[self.module, self.kind])
        widget_attrs["role"] = "combobox"
        widget_attrs["aria-autocomplete"] = "list"
        widget_attrs["aria-expanded"] = "false"
        if self.append_to:
            widget_attrs["data-picker-append"] = self.append_to
        widget_attrs.setdefault("placeholder", _g("Type a name, pinyin initials, code or address"))
        return context

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        box = super().render(name, value, attrs, renderer)
        summary = ""
        if value not in (None, ""):
            record = get(self.kind).lookup(str(value).strip())
            if record is not None:
                summary = get(self.kind).summary(record, False)
        return format_html(
            '<div class="picker">{}<ul class="picker-list" role="listbox" hidden data-none="{}"></ul>'
            '<div class="picker-summary muted" aria-live="polite">{}</div></div>',
            box,
            _g("No match: try the beginning of the name, the pinyin initials or the code"),
            summary,
        )


class PickerField(forms.CharField):
    """A reference to a record: picked from the suggestions or typed as its code; cleans to the record."""

    def __init__(self, kind: str, module: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("widget", PickerWidget(kind, module))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if value is not None and not isinstance(value, str | int):
            return get(self.kind).value(value)
        return value

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text in self.empty_values:
            return None
        record = get(self.kind).lookup(text)
        if record is None:
            raise forms.ValidationError(
                _("%(field)s: no %(noun)s has the code “%(code)s”; type a few characters and choose a suggestion."),
                code="unknown",
                params={"field": self.label, "noun": get(self.kind).noun, "code": text},
            )
        return record
