"""Pinyin initials for search (张三 -> "zs"), with a person's surname read as a surname (单 shàn, 曾 zēng,
解 xiè, 仇 qiú ...: "单小明" -> "sxm", not the common reading's "dxm")."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# Surnames whose reading as a surname differs in its first letter from the one pypinyin picks: the letter.
COMPOUND_SURNAMES = {
    "长孙": "zs",
    "澹台": "tt",
    "尉迟": "yc",
    "万俟": "mq",
    "单于": "cy",
    "令狐": "lh",
    "皇甫": "hf",
    "欧阳": "oy",
    "司马": "sm",
    "上官": "sg",
    "诸葛": "zg",
    "夏侯": "xh",
    "公孙": "gs",
    "宇文": "yw",
    "慕容": "mr",
    "司徒": "st",
    "钟离": "zl",
}
SURNAMES = {
    "单": "s",  # shàn
    "曾": "z",  # zēng
    "解": "x",  # xiè
    "仇": "q",  # qiú
    "区": "o",  # ōu
    "查": "z",  # zhā
    "盖": "g",  # gě
    "乐": "y",  # yuè
    "覃": "q",  # qín
    "翟": "z",  # zhái
    "朴": "p",  # piáo
    "繁": "p",  # pó
    "种": "c",  # chóng
    "秘": "b",  # bì
    "宓": "f",  # fú
    "隗": "w",  # wěi
    "召": "s",  # shào
    "折": "s",  # shé
    "尉": "y",  # yù
    "句": "g",  # gōu
    "冼": "x",  # xiǎn
    "员": "y",  # yùn
    "缪": "m",  # miào
    "谌": "c",  # chén
    "阚": "k",  # kàn
    "牟": "m",  # móu
    "相": "x",  # xiàng
    "薄": "b",  # bó
    "祭": "z",  # zhài
    "能": "n",  # nài
    "朝": "c",  # cháo
}


def initials(text: str) -> str:
    # Characters without pinyin (digits, latin letters) are kept one by one.
    letters = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=list)  # type: ignore[arg-type]
    return "".join(part[:1] for part in letters if part and part[:1].isalnum()).lower()


def person_initials(name: str) -> str:
    """A person's initials, the surname read as a surname: 曾国藩 -> "zgf", 尉迟恭 -> "ycg"."""
    name = (name or "").strip()
    for surname, letters in COMPOUND_SURNAMES.items():
        if name.startswith(surname) and len(name) > len(surname):
            return letters + initials(name[len(surname) :])
    if len(name) > 1 and name[0] in SURNAMES:
        return SURNAMES[name[0]] + initials(name[1:])
    return initials(name)
