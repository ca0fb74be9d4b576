"""`{% url %}` through the kept addresses (`anju.core.links`): a builtin of the template engine (settings'
TEMPLATES builtins), in place of Django's own tag of that name, which reverses through Django each time."""

from __future__ import annotations

from typing import Any

from django.template import Context, Library, Node
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from anju.core import links

register = Library()


class KeptURLNode(URLNode):
    """Django's `URLNode` (the same arguments, the same errors, `as var`), reversed by `links.reverse`."""

    def render(self, context: Context) -> Any:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            url = links.reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> Node:
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
