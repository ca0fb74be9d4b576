"""A table kept in a process and bounded: at most `size` entries, the least recently used first out, safe
to share between a worker's threads. What Anju keeps between requests — the addresses a page reverses
(`anju.core.links`), the menu per permission set (`anju.core.context_processors`), the figures kept per
table version (`anju.core.kept`) — is kept in one, so a worker never grows with the keys it is asked for
(a list paged through a million rows, a crawler's addresses)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class Bounded[K: Hashable, V]:
    """`get` and `put` by key; `put` beyond `size` drops the entry used least recently."""

    __slots__ = ("_entries", "_lock", "size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a bounded table holds at least one entry, not {size}")
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept under `key` (now the most recently used), or None (None is never kept)."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key`, dropping the least recently used entries beyond the size."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def keys(self) -> list[K]:
        """The keys, least recently used first (a copy)."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        with self._lock:  # never the moment inside `put` between adding and dropping
            return len(self._entries)
