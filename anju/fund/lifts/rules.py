"""Pure rules of the lift insurance pilot (电梯维修保险): registration codes, policy status. No Django."""

from __future__ import annotations

import datetime as dt
import re

# 电梯注册代码 (TSG 08): equipment category (4 digits, lifts are 3xxx), region code (6), year of
# registration (4), sequence number (6).
REGISTRATION_RE = re.compile(r"^3\d{3}\d{6}(\d{4})\d{6}$")

SIGNED = "signed"
ACTIVE = "active"
EXPIRED = "expired"


def registration_code_error(code: str) -> str:
    """Why a lift registration code is invalid (Chinese), or "" when it is valid."""
    if not re.fullmatch(r"\d{20}", code):
        return "电梯注册代码应为20位数字"
    match = REGISTRATION_RE.match(code)
    if match is None:
        return "电梯注册代码应以设备类别代码3开头"
    year = int(match.group(1))
    if not 1980 <= year <= 2100:
        return f"电梯注册代码中的注册年份{year}不正确"
    return ""


def policy_status(start: dt.date, end: dt.date, day: dt.date) -> str:
    """A policy is signed before its term, active during it (both ends included), expired after."""
    if end < start:
        raise ValueError("end before start")
    if day < start:
        return SIGNED
    return ACTIVE if day <= end else EXPIRED


def terms_overlap(start_a: dt.date, end_a: dt.date, start_b: dt.date, end_b: dt.date) -> bool:
    return start_a <= end_b and start_b <= end_a
