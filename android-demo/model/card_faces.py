"""Upright card faces the generator does not make, for QuarterTurnNet (train_quarter_turn.py --faces P).

The generator has a handful of card layouts and a classifier trained on its crops learns them (99.9% on
its own cards, 78% on other designs). These faces vary what says "this way up" the generic way: lines of
text in DejaVu faces (the generator's; never the held-out suite's Liberation and FreeFont), a larger name
line, blocks placed left, centred, right or split top/bottom, an optional logo or monogram in a corner and
an optional colour band, landscape or portrait — drawn upright into the crop canvas as `card_crop` lays a
card (aspect kept, grey around).
"""
import string
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from quarter_turn import CROP, GREY

FONT_DIR = Path('/usr/share/fonts/truetype/dejavu')
FONTS = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf', 'DejaVuSansCondensed.ttf',
         'DejaVuSansMono.ttf', 'DejaVuSans-ExtraLight.ttf']
SUPERSAMPLE = 4


def word(rng, n):
    return ''.join(rng.choice(list(string.ascii_letters + string.digits + '  .@-'), n)).strip() or 'A'


def card_face(rng):
    """One upright card face in a CROP x CROP float canvas [CROP, CROP, 3] in 0..1."""
    portrait = rng.random() < 0.3
    aspect = rng.uniform(1.45, 1.9)
    w, h = (CROP, CROP / aspect) if not portrait else (CROP / aspect, CROP)
    W, H = int(w * SUPERSAMPLE), int(h * SUPERSAMPLE)
    ground = rng.uniform(0, 1, 3)
    ink = np.where(ground.mean() > 0.5, rng.uniform(0, 0.35, 3), rng.uniform(0.7, 1, 3))
    img = Image.new('RGB', (W, H), tuple(int(v * 255) for v in ground))
    d = ImageDraw.Draw(img)
    colour = lambda c: tuple(int(v * 255) for v in c)  # noqa: E731
    if rng.random() < 0.4:  # a colour band along one edge or corner
        accent = rng.uniform(0, 1, 3)
        t = rng.uniform(0.04, 0.3)
        band = [[(0, 0), (W * t, 0), (W * t, H), (0, H)], [(0, 0), (W, 0), (W, H * t), (0, H * t)],
                [(W * (1 - t), 0), (W, 0), (W, H), (W * (1 - t), H)], [(0, H * (1 - t)), (W, H * (1 - t)), (W, H), (0, H)],
                [(W * (1 - 2 * t), 0), (W, 0), (W, H), (W * (1 - t), H)]][rng.integers(5)]
        d.polygon(band, fill=colour(accent))
    margin = rng.uniform(0.06, 0.12) * min(W, H)
    align = rng.choice(['left', 'centre', 'right'])
    name_size = int(rng.uniform(0.09, 0.16) * H)
    line_size = int(rng.uniform(0.045, 0.075) * H)
    lines = [(name_size, FONTS[rng.integers(4)], word(rng, rng.integers(6, 16)))]
    lines += [(line_size, FONTS[rng.integers(len(FONTS))], word(rng, rng.integers(5, 28))) for _ in range(rng.integers(1, 6))]
    split = rng.random() < 0.5  # name block on top, details at the bottom
    y = margin + (rng.uniform(0, 0.25) * H if not split else 0)
    for i, (size, face, text) in enumerate(lines):
        if split and i == 2:
            y = max(y, H - margin - (len(lines) - 2) * line_size * 1.35)
        f = ImageFont.truetype(str(FONT_DIR / face), max(6, size))
        tw = d.textlength(text, font=f)
        x = margin if align == 'left' else (W - tw) / 2 if align == 'centre' else W - margin - tw
        d.text((x, y), text, font=f, fill=colour(ink))
        y += size * 1.35
    if rng.random() < 0.5:  # a logo or monogram in a corner
        s = rng.uniform(0.15, 0.3) * min(W, H)
        cx = rng.choice([margin, W - margin - s])
        cy = rng.choice([margin, H - margin - s])
        if rng.random() < 0.5:
            d.ellipse([cx, cy, cx + s, cy + s], fill=colour(rng.uniform(0, 1, 3)))
        else:
            f = ImageFont.truetype(str(FONT_DIR / FONTS[rng.integers(4)]), int(s))
            d.text((cx, cy), rng.choice(list(string.ascii_uppercase)), font=f, fill=colour(ink))
    small = np.asarray(img.reduce(SUPERSAMPLE), np.float32) / 255
    canvas = np.full((CROP, CROP, 3), GREY, np.float32)
    y0, x0 = (CROP - small.shape[0]) // 2, (CROP - small.shape[1]) // 2
    canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
    return canvas
