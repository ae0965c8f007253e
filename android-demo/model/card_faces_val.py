"""Validation card faces: a second, separate drawing code from `card_faces.py`, so that settings of the
quarter-turn classifier can be chosen on design variety without the held-out suite.

Other layouts (a side strip with a logo, a header bar, a big centred emblem over the name, two corners of
text split by a rule, a framed card), URW base35 fonts (never used in training, nor the held-out suite's
Liberation and FreeFont) and other words (face_text.VALIDATION_WORDS). Drawn upright at 4x the canvas;
`card_faces.lay_in_canvas` or a quad crop (detection_quads.face_crop) cuts it like a card.
"""
import numpy as np
from PIL import Image, ImageDraw

from face_fonts import LATIN_VALIDATION, font, require
from face_text import VALIDATION_WORDS, card_lines
from quarter_turn import CROP

SUPERSAMPLE = 4
LAYOUTS = ('strip', 'header', 'emblem', 'corners', 'framed')


def _colour(rng, light):
    c = rng.uniform(0.75, 1, 3) if light else rng.uniform(0, 0.3, 3)
    return tuple(int(v * 255) for v in c)


def _text(d, xy, text, f, fill, anchor):
    d.text(xy, text, font=f, fill=fill, anchor=anchor)


def validation_face_image(rng):
    """One upright validation face (PIL image, longer side CROP x SUPERSAMPLE) in one of LAYOUTS."""
    fonts = require(LATIN_VALIDATION)
    aspect = rng.uniform(1.5, 1.85)
    portrait = rng.random() < 0.25
    W, H = (CROP * SUPERSAMPLE, int(CROP * SUPERSAMPLE / aspect))
    if portrait:
        W, H = H, W
    light = rng.random() < 0.7
    paper, ink, accent = _colour(rng, light), _colour(rng, not light), tuple(int(v) for v in rng.integers(0, 256, 3))
    img = Image.new('RGB', (W, H), paper)
    d = ImageDraw.Draw(img)
    lines = card_lines(rng, VALIDATION_WORDS, int(rng.integers(3, 6)))
    big, small = font(fonts[int(rng.integers(len(fonts)))], H * rng.uniform(0.1, 0.14)), font(fonts[int(rng.integers(len(fonts)))], H * rng.uniform(0.05, 0.07))
    m = 0.08 * min(W, H)
    step = small.size * 1.4
    layout = LAYOUTS[int(rng.integers(len(LAYOUTS)))]
    if layout == 'strip':  # a coloured strip down the left with a square logo in it, text to its right
        s = rng.uniform(0.2, 0.33) * W
        d.rectangle([0, 0, s, H], fill=accent)
        d.rectangle([s * 0.25, m, s * 0.75, m + s * 0.5], fill=paper)
        y = m
        for i, t in enumerate(lines):
            _text(d, (s + m, y), t, big if i == 0 else small, ink, 'la')
            y += big.size * 1.3 if i == 0 else step
    elif layout == 'header':  # a bar across the top with the company in the paper colour, the rest below
        b = rng.uniform(0.22, 0.32) * H
        d.rectangle([0, 0, W, b], fill=accent)
        _text(d, (m, b / 2), lines[2 % len(lines)], small, paper, 'lm')
        _text(d, (m, b + m), lines[0], big, ink, 'la')
        y = b + m + big.size * 1.4
        for t in lines[1:]:
            _text(d, (W - m, y), t, small, ink, 'ra')
            y += step
    elif layout == 'emblem':  # a large emblem centred in the upper half, the name centred under it
        r = rng.uniform(0.14, 0.2) * H
        cx, cy = W / 2, m + r
        shape = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)] if rng.random() < 0.5 else \
            [(cx - r, cy + r), (cx, cy - r), (cx + r, cy + r)]
        d.polygon(shape, fill=accent)
        _text(d, (cx, cy + r + m / 2), lines[0], big, ink, 'ma')
        y = cy + r + m / 2 + big.size * 1.4
        for t in lines[1:3]:
            _text(d, (cx, y), t, small, ink, 'ma')
            y += step
    elif layout == 'corners':  # name and title top-left, contacts bottom-right, a rule between
        _text(d, (m, m), lines[0], big, ink, 'la')
        _text(d, (m, m + big.size * 1.3), lines[1], small, ink, 'la')
        yr = H * rng.uniform(0.45, 0.55)
        d.line([m, yr, W - m, yr], fill=accent, width=max(2, int(H * 0.015)))
        y = H - m
        for t in reversed(lines[2:]):
            _text(d, (W - m, y), t, small, ink, 'rd')
            y -= step
    else:  # framed: an inset border, the name low on the left, a monogram at the top right
        inset = m * 0.5
        d.rectangle([inset, inset, W - inset, H - inset], outline=accent, width=max(2, int(H * 0.02)))
        _text(d, (W - 2 * m, 2 * m), lines[0][0], font(fonts[0], H * 0.22), accent, 'ra')
        y = H - 2 * m - step * (len(lines) - 1)
        _text(d, (2 * m, y - big.size * 1.2), lines[0], big, ink, 'la')
        for t in lines[1:]:
            _text(d, (2 * m, y), t, small, ink, 'la')
            y += step
    return img
