"""Valid, deterministic identity numbers for the demo city's people and companies."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(rng: random.Random) -> str:
    body = "914312" + "00" + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def make_resident_id(rng: random.Random, seen: set[str]) -> tuple[str, dt.date]:
    while True:
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 62))
        region = rng.choice(("431202", "431221", "431281", "431225", "431227"))
        body = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in seen:
            seen.add(number)
            return number, birth
