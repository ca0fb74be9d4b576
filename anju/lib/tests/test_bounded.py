"""The bounded table behind what a process keeps between requests (addresses, menus, kept figures)."""

from __future__ import annotations

import threading

import pytest

from anju.lib.bounded import Bounded


def test_a_value_is_found_under_its_key_and_a_missing_key_gives_none() -> None:
    table: Bounded[str, int] = Bounded(4)
    assert table.get("a") is None
    table.put("a", 1)
    table.put("b", 2)
    assert (table.get("a"), table.get("b"), table.get("c")) == (1, 2, None)
    assert len(table) == 2


def test_beyond_its_size_the_least_recently_used_goes_first() -> None:
    table: Bounded[str, int] = Bounded(3)
    for number, key in enumerate("abc"):
        table.put(key, number)
    assert table.get("a") == 0  # a is now the most recently used: b is the oldest
    table.put("d", 3)
    assert table.keys() == ["c", "a", "d"]
    assert table.get("b") is None
    table.put("c", 9)  # replaced, not added: nothing drops
    assert (len(table), table.get("c"), table.keys()) == (3, 9, ["a", "d", "c"])


def test_clear_empties_it_and_a_size_below_one_is_refused() -> None:
    table: Bounded[int, int] = Bounded(2)
    table.put(1, 1)
    table.clear()
    assert (len(table), table.get(1)) == (0, None)
    with pytest.raises(ValueError, match="at least one"):
        Bounded(0)


def test_threads_sharing_it_find_their_own_values_and_never_pass_the_bound() -> None:
    table: Bounded[tuple[int, int], int] = Bounded(50)
    wrong: list[tuple[tuple[int, int], int | None]] = []
    oversize: list[int] = []

    def work(thread: int) -> None:
        for i in range(2000):
            key = (thread, i % 70)
            table.put(key, thread * 1000 + i % 70)
            found = table.get((thread, (i * 7) % 70))
            if found is not None and found != thread * 1000 + (i * 7) % 70:
                wrong.append(((thread, (i * 7) % 70), found))
            if len(table) > 50:
                oversize.append(len(table))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert oversize == []
    assert len(table) == 50
