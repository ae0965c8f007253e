"""Upright card faces the generator does not make, for QuarterTurnNet (train_quarter_turn.py --faces P).

The generator has a handful of card layouts and a classifier trained on its crops learns them (99.9% on
its own cards, 78% on other designs). These faces vary what says "this way up" the generic way: lines of
random characters, of business-card words (name, title, company, phone, e-mail, address) or of CJK, in
the fonts of `face_fonts.py` (DejaVu, Open Sans, Lato, Roboto, Noto CJK; never the held-out suite's
Liberation and FreeFont), a larger name line, blocks placed left, centred, right or split top/bottom, an
optional logo or monogram in a corner and an optional colour band, landscape or portrait. `card_face_image`
draws the upright card at 4x the canvas; `card_face` lays it into the crop canvas as `card_crop` lays a
card (aspect kept, grey around). `card_faces_val.py` is a second, separate drawing code for validation.
"""
import string

import numpy as np
from PIL import Image, ImageDraw

from face_fonts import CJK_TRAIN, LATIN_TRAIN, font, require
from face_text import TRAIN_WORDS, card_lines, cjk_text, random_chars
from quarter_turn import CROP, GREY

SUPERSAMPLE = 4
TEXT_KINDS = (('random', 0.3), ('words', 0.45), ('cjk', 0.25))


def face_size(rng, portrait_share=0.3, aspects=(1.45, 1.9)):
    """(W, H) of an upright card whose longer side is the canvas at SUPERSAMPLE."""
    aspect = rng.uniform(*aspects)
    w, h = (CROP, CROP / aspect) if rng.random() >= portrait_share else (CROP / aspect, CROP)
    return int(w * SUPERSAMPLE), int(h * SUPERSAMPLE)


def rgb(c):
    return tuple(int(v * 255) for v in c)


def ground_and_ink(rng):
    """A random ground colour and an ink that reads on it."""
    ground = rng.uniform(0, 1, 3)
    ink = np.where(ground.mean() > 0.5, rng.uniform(0, 0.35, 3), rng.uniform(0.7, 1, 3))
    return ground, ink


def face_lines(rng, latin, cjk):
    """[(relative size, font path, font index, text)]: a name line, then 1-5 detail lines."""
    kind = rng.choice([k for k, _ in TEXT_KINDS], p=[p for _, p in TEXT_KINDS])
    n = int(rng.integers(2, 7))
    if kind == 'cjk':
        face = lambda: (cjk[int(rng.integers(len(cjk)))], int(rng.integers(4)))  # noqa: E731
        texts = [cjk_text(rng, int(rng.integers(2, 6)))]
        texts += [cjk_text(rng, int(rng.integers(4, 14))) if rng.random() < 0.6 else random_chars(rng, int(rng.integers(6, 22)))
                  for _ in range(n - 1)]
    else:
        face = lambda: (latin[int(rng.integers(len(latin)))], 0)  # noqa: E731
        texts = card_lines(rng, TRAIN_WORDS, n) if kind == 'words' else \
            [random_chars(rng, int(rng.integers(6, 16)))] + [random_chars(rng, int(rng.integers(5, 28))) for _ in range(n - 1)]
    name_size, line_size = rng.uniform(0.09, 0.16), rng.uniform(0.045, 0.075)
    return [(name_size if i == 0 else line_size, *face(), t) for i, t in enumerate(texts)]


def card_face_image(rng):
    """One upright card face, a PIL image about CROP x SUPERSAMPLE along its longer side."""
    latin, cjk = require(LATIN_TRAIN), require(CJK_TRAIN)
    W, H = face_size(rng)
    ground, ink = ground_and_ink(rng)
    img = Image.new('RGB', (W, H), rgb(ground))
    d = ImageDraw.Draw(img)
    if rng.random() < 0.4:  # a colour band along one edge or corner
        t = rng.uniform(0.04, 0.3)
        band = [[(0, 0), (W * t, 0), (W * t, H), (0, H)], [(0, 0), (W, 0), (W, H * t), (0, H * t)],
                [(W * (1 - t), 0), (W, 0), (W, H), (W * (1 - t), H)], [(0, H * (1 - t)), (W, H * (1 - t)), (W, H), (0, H)],
                [(W * (1 - 2 * t), 0), (W, 0), (W, H), (W * (1 - t), H)]][rng.integers(5)]
        d.polygon(band, fill=rgb(rng.uniform(0, 1, 3)))
    margin = rng.uniform(0.06, 0.12) * min(W, H)
    align = rng.choice(['left', 'centre', 'right'])
    lines = face_lines(rng, latin, cjk)
    split = rng.random() < 0.5  # name block on top, details at the bottom
    y = margin + (rng.uniform(0, 0.25) * H if not split else 0)
    line_h = lines[-1][0] * H
    for i, (size, path, index, text) in enumerate(lines):
        if split and i == 2:
            y = max(y, H - margin - (len(lines) - 2) * line_h * 1.35)
        f = font(path, size * H, index)
        tw = d.textlength(text, font=f)
        x = margin if align == 'left' else (W - tw) / 2 if align == 'centre' else W - margin - tw
        d.text((x, y), text, font=f, fill=rgb(ink))
        y += size * H * 1.35
    if rng.random() < 0.5:  # a logo or monogram in a corner
        s = rng.uniform(0.15, 0.3) * min(W, H)
        cx = rng.choice([margin, W - margin - s])
        cy = rng.choice([margin, H - margin - s])
        if rng.random() < 0.5:
            d.ellipse([cx, cy, cx + s, cy + s], fill=rgb(rng.uniform(0, 1, 3)))
        else:
            d.text((cx, cy), rng.choice(list(string.ascii_uppercase)), font=font(latin[int(rng.integers(len(latin)))], s), fill=rgb(ink))
    return img


def lay_in_canvas(img):
    """A SUPERSAMPLE-sized upright face averaged down and centred in a grey CROP x CROP float canvas."""
    small = np.asarray(img.reduce(SUPERSAMPLE), np.float32) / 255
    canvas = np.full((CROP, CROP, 3), GREY, np.float32)
    y0, x0 = (CROP - small.shape[0]) // 2, (CROP - small.shape[1]) // 2
    canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
    return canvas


def card_face(rng):
    """One upright card face in a CROP x CROP float canvas [CROP, CROP, 3] in 0..1."""
    return lay_in_canvas(card_face_image(rng))
