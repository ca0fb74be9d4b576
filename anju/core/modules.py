"""The module registry: each app registers its module (navigation entry and permission scope)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

# Actions a role may be granted per module.
VIEW = "view"
HANDLE = "handle"
APPROVE = "approve"
# 审核: the check between handling (经办) and the leaders' approval (审批), e.g. of a fund use application.
REVIEW = "review"
EXPORT = "export"
SEE_ID = "see_id"
ACTIONS = (VIEW, HANDLE, REVIEW, APPROVE, EXPORT, SEE_ID)


@dataclass(frozen=True)
class Module:
    code: str
    name: str | Promise
    url_name: str
    # One character shown in a badge (no emoji: intranet PCs often lack an emoji font).
    icon: str = ""
    order: int = 50


_modules: dict[str, Module] = {}
# Moved by every registration: what is computed from the registry (the navigation menus) keys on it.
generation = 0


def register(module: Module) -> None:
    global generation
    _modules[module.code] = module
    generation += 1


def all_modules() -> list[Module]:
    return sorted(_modules.values(), key=lambda m: (m.order, m.code))


def get(code: str) -> Module:
    return _modules[code]
