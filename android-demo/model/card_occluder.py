"""Something over a corner or an edge of a card crop: a thumb-like capsule in a skin tone or a blob of any
colour (the generic cutout / random-erasing kind), never hiding the whole card.

Held out cards held in a hand lose a corner under a thumb and the classifier reads what is left; a crop
that always shows the whole card never teaches that. `occlude` draws on the upright canvas (the turn is
applied after), anchored at a random corner or a point on an edge of the card's rectangle in the canvas.
"""
import numpy as np

from quarter_turn import CROP, canvas_rect

MAX_COVER = 0.35    # at most this share of the card hidden: its other corners still say which way up it is
SKIN = np.array([[255, 224, 196], [241, 194, 125], [224, 172, 105], [198, 134, 66], [141, 85, 36], [90, 56, 37]]) / 255


def occluder_distance(rect, rng):
    """The signed distance [CROP, CROP] (canvas pixels, < 0 inside) to a capsule (p 0.6) or an ellipse
    reaching into the card `rect` (x0, y0, w, h) from a corner or an edge."""
    x0, y0, w, h = rect
    if rng.random() < 0.5:  # a corner
        anchor = np.array([x0 + w * rng.integers(2), y0 + h * rng.integers(2)], float)
    else:  # a point on one edge
        t, side = rng.uniform(0.1, 0.9), int(rng.integers(4))
        anchor = np.array([[x0 + t * w, y0], [x0 + w, y0 + t * h], [x0 + t * w, y0 + h], [x0, y0 + t * h]][side], float)
    centre = np.array([x0 + w / 2, y0 + h / 2])
    inward = (centre - anchor) / max(np.linalg.norm(centre - anchor), 1e-6)
    turn = rng.uniform(-0.8, 0.8)
    inward = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]]) @ inward
    r = rng.uniform(0.12, 0.4) * min(w, h)
    start = anchor - inward * rng.uniform(0, 2) * r
    end = anchor + inward * rng.uniform(0.3, 2.5) * r
    ys, xs = np.mgrid[0:CROP, 0:CROP] + 0.5
    p = np.stack([xs, ys], -1)
    if rng.random() < 0.6:  # capsule: distance to the segment start-end
        seg = end - start
        t = np.clip(((p - start) @ seg) / max(seg @ seg, 1e-6), 0, 1)
        dist = np.linalg.norm(p - (start + t[..., None] * seg), axis=-1) - r
    else:  # ellipse around the segment's middle
        mid, ax = (start + end) / 2, np.array([np.linalg.norm(end - start) / 2 + r, r])
        c, s = inward
        local = (p - mid) @ np.array([[c, -s], [s, c]])
        dist = (np.linalg.norm(local / ax, axis=-1) - 1) * r
    return dist


def card_area(rect):
    """Where the card of `rect` lies in the canvas (what `card_crop` keeps; grey is painted around it)."""
    x0, y0, w, h = rect
    ys, xs = np.mgrid[0:CROP, 0:CROP] + 0.5
    return (xs >= x0) & (xs <= x0 + w) & (ys >= y0) & (ys <= y0 + h)


def card_cover(mask, rect):
    """Share of the card's rectangle under the mask."""
    inside = card_area(rect)
    return float(mask[inside].sum() / max(inside.sum(), 1))


def occlude(canvas, aspect, rng):
    """The CROP x CROP x 3 canvas with an occluder over part of the card of `aspect` (in place, returned);
    an occluder that would hide more than MAX_COVER of the card is eroded until it does not."""
    rect = canvas_rect(aspect)
    dist = occluder_distance(rect, rng)
    mask = np.clip(0.5 - dist, 0, 1)
    while card_cover(mask > 0, rect) > MAX_COVER:  # erode it a pixel at a time (any touch counts): its core stays on the edge
        dist = dist + 1
        mask = np.clip(0.5 - dist, 0, 1)
    if rng.random() < 0.5:
        w = rng.dirichlet(np.ones(len(SKIN)) * 0.5)
        colour = (w @ SKIN) * rng.uniform(0.7, 1.1)
    else:
        colour = rng.uniform(0, 1, 3)
    ys = np.linspace(-1, 1, CROP)[:, None, None]
    shade = colour * (1 + rng.uniform(-0.25, 0.25) * ys)  # light from one side, as on a finger
    paint = np.clip(shade + rng.normal(0, 0.02, (CROP, CROP, 3)), 0, 1)
    m = (mask * card_area(rect))[..., None]  # the app's crop is grey outside the card: so is the occluder
    canvas[:] = canvas * (1 - m) + paint * m
    return canvas
