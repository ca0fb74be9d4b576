"""Pinyin initials for search (张三 -> "zs")."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def initials(text: str) -> str:
    letters = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(part[:1] for part in letters if part and part[:1].isalnum()).lower()
