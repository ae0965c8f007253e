"""Quads moved as the detector's own are, so the classifier learns crops that are skewed or cut.

On heldout the detector's quads are off (median IoU 0.79): corners scattered, one side inside or outside
the card's edge (a finger taken for card, a dark edge lost), a corner cut off. `detection_like` moves a
truth quad one of those ways; `face_crop` cuts a drawn face (card_faces*.py) with such a quad, on a plain
desk colour, exactly as `card_crop` cuts a camera frame.
"""
import numpy as np
from PIL import Image

from quarter_turn import card_aspect, card_crop

JITTER = 0.05       # corner noise, share of the diagonal (the plain training jitter is 0.02)
SIDE_SHIFT = 0.15   # a side moved in (+) or out (-) by up to this share of the card across it
CORNER_CUT = 0.2    # a corner moved toward the centre by up to this share of its distance
FACE_SUPERSAMPLE = 4


def detection_like(quad, rng):
    """The 4x2 quad with one of: larger corner noise, one side shifted in or out, one corner cut; plus the
    plain 2% noise."""
    q = np.asarray(quad, np.float64).copy()
    diag = float(np.linalg.norm(q[2] - q[0]))
    kind, i = int(rng.integers(3)), int(rng.integers(4))
    if kind == 0:
        q += rng.normal(0, JITTER * diag, (4, 2))
    elif kind == 1:  # side i→i+1 moves along the card toward (in) or away from (out) the opposite side
        s = rng.uniform(-SIDE_SHIFT, SIDE_SHIFT)
        a, b = i, (i + 1) % 4
        q[a] = q[a] + s * (q[(i + 3) % 4] - q[a])
        q[b] = q[b] + s * (q[(i + 2) % 4] - q[b])
    else:
        q[i] = q[i] + rng.uniform(0.05, CORNER_CUT) * (q.mean(0) - q[i])
    return (q + rng.normal(0, 0.02 * diag, (4, 2))).astype(np.float32)


def face_crop(img, rng, geometry, jitter=0.02):
    """A drawn upright face (PIL) on a random desk colour, cut by its own outline moved `detection_like`
    (probability `geometry`) or by `jitter` noise: the CROP x CROP canvas `card_crop` gives."""
    pad = int(0.3 * max(img.size))
    desk = Image.new('RGB', (img.width + 2 * pad, img.height + 2 * pad), tuple(int(v) for v in rng.integers(0, 256, 3)))
    desk.paste(img, (pad, pad))
    quad = np.array([[pad, pad], [pad + img.width, pad], [pad + img.width, pad + img.height], [pad, pad + img.height]], np.float64)
    if rng.random() < geometry:
        quad = detection_like(quad, rng)
    elif jitter:
        quad = quad + rng.normal(0, jitter * np.linalg.norm(quad[2] - quad[0]), (4, 2))
    return card_crop(np.asarray(desk), quad, card_aspect(quad), FACE_SUPERSAMPLE)
