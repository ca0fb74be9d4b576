"""Pinyin initials for search (张三 -> "zs")."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def initials(text: str) -> str:
    # Characters without pinyin (digits, latin letters) are kept one by one.
    letters = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=list)  # type: ignore[arg-type]
    return "".join(part[:1] for part in letters if part and part[:1].isalnum()).lower()
