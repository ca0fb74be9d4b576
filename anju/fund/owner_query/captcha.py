"""A picture of digits the kiosk asks for after failed queries (the owner query's CAPTCHA): the digits live in
the session, each picture is answered once, and the picture is drawn with noise so a script cannot read it
as text."""

from __future__ import annotations

import io
import secrets

from django.contrib.sessions.backends.base import SessionBase
from PIL import Image, ImageDraw, ImageFilter, ImageFont

KEY = "owner_query_captcha"
DIGITS = 4


def new_challenge(session: SessionBase) -> str:
    answer = "".join(secrets.choice("23456789") for _ in range(DIGITS))
    session[KEY] = answer
    return answer


def passes(session: SessionBase, typed: str) -> bool:
    """Whether the typed digits are the picture's; a picture is answered once (right or wrong)."""
    answer = session.pop(KEY, None)
    return bool(answer) and secrets.compare_digest(str(answer), typed.strip())


def png(answer: str) -> bytes:
    width, height = 40 * len(answer) + 20, 56
    image = Image.new("RGB", (width, height), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    rng = secrets.SystemRandom()
    for _ in range(8):  # lines across the digits
        draw.line([(rng.randint(0, width), rng.randint(0, height)), (rng.randint(0, width), rng.randint(0, height))],
                  fill=(rng.randint(120, 200),) * 3, width=2)  # fmt: skip
    font = ImageFont.load_default(size=38)
    for index, digit in enumerate(answer):
        glyph = Image.new("RGBA", (44, 54), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 2), digit, font=font, fill=(20, 40, 90, 255))
        glyph = glyph.rotate(rng.uniform(-25, 25), expand=False)
        image.paste(glyph, (10 + index * 40, rng.randint(0, 4)), glyph)
    for _ in range(250):  # dots
        draw.point((rng.randint(0, width - 1), rng.randint(0, height - 1)), fill=(rng.randint(80, 180),) * 3)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
