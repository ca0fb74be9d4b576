"""Computed once in a page's scope: a figure that several parts of one page need (the termite board's
revisit plan, read by four KPIs, the plan's progress and its overdue buildings) is computed by the first
and reused by the others, instead of once by each. Outside a scope every call computes afresh, so code
that writes (an action, a test) never reads a figure older than its own writes."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_scope: ContextVar[dict[Hashable, Any] | None] = ContextVar("anju_memo_scope", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Within the block, `once(key, …)` computes each key once (a page's reads; nothing in it may write)."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def active() -> bool:
    """Whether a page's scope is open (what `once` computes is then kept until the scope ends)."""
    return _scope.get() is not None


def once[T](key: Hashable, compute: Callable[[], T]) -> T:
    memo = _scope.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]
