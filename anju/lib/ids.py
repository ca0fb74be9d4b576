"""Identity numbers: resident ID (GB 11643), unified social credit code (GB 32100), mobile phones.

Framework-free: validators raise ValueError with a Chinese message."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from stdnum import exceptions as stdnum_exceptions
from stdnum import numdb
from stdnum.cn import ric, uscc

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LOCATIONS = numdb.get("cn/loc")
CHINA = ZoneInfo("Asia/Shanghai")


def normalize_resident_id(number: str) -> str:
    """The 18-character resident ID number, validated: format, region, birth date and checksum.

    stdnum's own validate() also requires the county code to have existed in the holder's birth
    year, which rejects real numbers: people born before a county was renamed (怀化 4330xx became
    鹤城区 431202 in 1997) hold cards with the new code. So the region check here asks only that
    the province and the county code are known, in any year."""
    compact = ric.compact(number or "")
    if len(compact) != 18 or not compact[:17].isdigit() or compact[17] not in "0123456789X":
        raise ValueError("居民身份证号码应为18位（前17位为数字，末位为数字或X）")
    try:
        birth = ric.get_birth_date(compact)
    except stdnum_exceptions.ValidationError as exc:
        raise ValueError("居民身份证号码中的出生日期无效") from exc
    if birth > dt.datetime.now(CHINA).date():
        raise ValueError("居民身份证号码中的出生日期晚于今天")
    if ric.calc_check_digit(compact) != compact[17]:
        raise ValueError("居民身份证号码校验位错误")
    region = _LOCATIONS.info(compact[:6])
    if len(region) != 2 or "province" not in region[0][1] or not region[1][1]:
        raise ValueError("居民身份证号码中的地区码无效")
    return compact


def resident_id_birth_date(number: str) -> dt.date:
    return ric.get_birth_date(number)  # type: ignore[no-any-return]


def normalize_uscc(code: str) -> str:
    """The unified social credit code, validated (GB 32100 checksum)."""
    compact = uscc.compact(code or "")
    if len(compact) != 18:
        raise ValueError("统一社会信用代码应为18位")
    try:
        return str(uscc.validate(compact))
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValueError("统一社会信用代码校验位错误") from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValueError("统一社会信用代码无效") from exc


def is_valid_uscc(code: str) -> bool:
    try:
        normalize_uscc(code)
    except ValueError:
        return False
    return True


def normalize_mobile(phone: str) -> str:
    compact = re.sub(r"[\s-]", "", phone or "")
    if compact.startswith("+86"):
        compact = compact[3:]
    if not MOBILE_RE.match(compact):
        raise ValueError("手机号码应为11位，以1开头")
    return compact


def mask_id(number: str) -> str:
    """First 3 and last 4 characters shown, the rest as asterisks."""
    if not number:
        return ""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(name: str) -> str:
    """A person's name as public notices print it: the middle hidden, 张*三, 欧**娜; a two-character name keeps
    its family name, 张*; an enterprise's name (over 6 characters) is not a person's and is kept."""
    name = (name or "").strip()
    if len(name) <= 1 or len(name) > 6:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
