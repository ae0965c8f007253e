"""Crops that are not one card, the fifth class of QuarterTurnNet (train_quarter_turn.py --reject P).

The detector fires on empty desks and adds quads on other things, on part of a card and over two cards
(issue 18). The app cuts every detection's crop for the quarter-turn classifier; a fifth class, NO_CARD,
lets it drop the crops that are not one card. Every crop here is cut as a detection is (`detection_crop`:
the quad's region of the frame, `card_crop` through the quad with its own aspect, supersampled).

From generator camera frames (`frame_quads`, quads in frame pixels):
  away   a card-shaped quad away from every card (IoU < AWAY_IOU): desks, clutter (phones, papers, objects)
  part   a quad over part of a card and the desk, or inside a card on part of it (IoU <= PART_IOU)
  span   a quad holding two cards of a frame (IoU <= SPAN_IOU with each)
Drawn on synthetic desks (`NoCardDrawer`):
  desk   a card-shaped or detection-like quad on domain_rand's procedural textures and training photographs
  sheet  a plain sheet of paper (white, cream, grey, light colours; shading, a fold or shadow line, noise)
         taken whole by the quad, filling it, or partly in it
  pair   two drawn faces laid side by side, the quad spanning both
A positive's detection-like quad (detection_quads.py) keeps an IoU of ~0.7 and more with its card; no quad
here comes above 0.5, so the two classes never share a geometry.
"""
import numpy as np
import torch
from PIL import Image

from domain_rand import DomainRandomizer
from quarter_turn import card_aspect, card_crop, detection_crop

AWAY_IOU = 0.1           # "away from every card"
PART_IOU = 0.35          # a quad on part of a card: at most this IoU with any card
PART_MIN_COVER = 0.25    # ... and a card fills at least this share of it (less is an `away` quad)
SPAN_IOU = 0.5           # a quad holding two cards is at least twice a card: at most 0.5 with each
SPAN_MIN_INSIDE = 0.7    # each of the two cards at least this much inside the spanning quad
DESK_SIDE = 320          # synthetic desks: they hold a quad up to FRAME_SIDE (256) long, as a frame's region does
QUAD_SIDE = (64, 256)    # longer side of a synthetic quad, pixels
KIND_SHARE = {'away': 0.2, 'part': 0.2, 'span': 0.1, 'desk': 0.2, 'sheet': 0.2, 'pair': 0.1}  # of a batch's no-card crops
DRAWN_KINDS = ('desk', 'sheet', 'pair')
VALIDATION_PHOTO_EVERY = 5  # training photographs 4 and 9 (of 11) make validation desks only


# ------------------------------------------------------------ geometry


def area(poly):
    """Polygon area (shoelace)."""
    p = np.asarray(poly, float)
    if len(p) < 3:
        return 0.0
    return abs(float(np.sum(p[:, 0] * np.roll(p[:, 1], -1) - np.roll(p[:, 0], -1) * p[:, 1]))) / 2


def clip_to_convex(subject, clip):
    """`subject` (any simple polygon) clipped to the convex polygon `clip` (Sutherland-Hodgman), as the
    harness's metrics/quad.ts clipToConvex."""
    c = np.asarray(clip, float)
    signed = float(np.sum(c[:, 0] * np.roll(c[:, 1], -1) - np.roll(c[:, 0], -1) * c[:, 1]))
    c = c if signed >= 0 else c[::-1]
    out = [np.asarray(p, float) for p in subject]
    for i in range(len(c)):
        if not out:
            break
        a, b = c[i], c[(i + 1) % len(c)]

        def side(p):  # >= 0: inside (left of a→b)
            return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
        src, out = out, []
        for j, cur in enumerate(src):
            prev = src[j - 1]
            sc, sp = side(cur), side(prev)
            if (sc >= 0) != (sp >= 0):
                out.append(prev + sp / (sp - sc) * (cur - prev))  # signs differ: sp - sc is never 0
            if sc >= 0:
                out.append(cur)
    return out


def overlap(quad, card):
    """Area of `quad` inside the convex `card`."""
    return area(clip_to_convex(quad, card))


def quad_iou(quad, card):
    """Exact IoU of any simple quad with a convex one (a card's truth quad), as the harness's quadIoU."""
    inter = overlap(quad, card)
    union = area(quad) + area(card) - inter
    return inter / union if union > 0 else 0.0


def card_shaped_quad(rng, centre, longer, aspects=(1.0, 2.4), noise=0.03):
    """A rectangle of aspect in `aspects` (first side the longer or, half the time, the shorter), `longer`
    pixels long, turned by any angle about `centre`, corners moved by `noise` of its diagonal (perspective,
    a detection's error): clockwise in image coordinates."""
    w, h = longer, longer / rng.uniform(*aspects)
    if rng.random() < 0.5:
        w, h = h, w
    a = rng.uniform(0, 2 * np.pi)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2 @ rot.T + centre
    return corners + rng.normal(0, noise * np.hypot(w, h), (4, 2))


def inside_frame(quad, width, height, slack=0.0):
    return bool((quad[:, 0] >= -slack).all() and (quad[:, 0] <= width + slack).all()
                and (quad[:, 1] >= -slack).all() and (quad[:, 1] <= height + slack).all())


def spanning_rects(a, b):
    """Rectangles holding both quads, smallest first: along each side direction of either, and upright."""
    pts = np.concatenate([a, b]).astype(float)
    rects = []
    for d in [q[i + 1] - q[i] for q in (a, b) for i in range(2)] + [np.array([1.0, 0.0])]:
        u = d / np.linalg.norm(d)
        v = np.array([-u[1], u[0]])  # u turned a quarter clockwise on screen: corners come clockwise
        pu, pv = pts @ u, pts @ v
        rects.append((np.ptp(pu) * np.ptp(pv), np.array([pu.min() * u + pv.min() * v, pu.max() * u + pv.min() * v,
                                                          pu.max() * u + pv.max() * v, pu.min() * u + pv.max() * v])))
    return [r for _, r in sorted(rects, key=lambda r: r[0])]


# ------------------------------------------------------------ quads in generator frames


def away_quad(cards, width, height, rng, tries=30):
    """A card-shaped quad inside the frame with IoU < AWAY_IOU with every card, sized like the frame's cards."""
    sizes = [max(np.linalg.norm(c[1] - c[0]), np.linalg.norm(c[3] - c[0])) for c in cards]
    for _ in range(tries):
        longer = rng.uniform(0.6, 1.4) * np.median(sizes) if sizes else rng.uniform(0.2, 0.55) * max(width, height)
        longer = min(longer, 0.9 * min(width, height))
        q = card_shaped_quad(rng, rng.uniform([0, 0], [width, height]), longer)
        if inside_frame(q, width, height) and all(quad_iou(q, c) < AWAY_IOU for c in cards):
            return q
    return None


def part_quad(cards, width, height, rng, tries=30):
    """A quad over part of a card: the card moved by half to three quarters of itself along a side (card and
    desk), or a piece inside it; IoU <= PART_IOU with every card, a card filling >= PART_MIN_COVER of it."""
    for _ in range(tries):
        c = cards[int(rng.integers(len(cards)))]
        diag = np.linalg.norm(c[2] - c[0])
        if rng.random() < 0.5:
            u, v = c[1] - c[0], c[3] - c[0]
            fu, fv = (rng.uniform(0.45, 0.8), rng.uniform(-0.3, 0.3)) if rng.random() < 0.5 else (rng.uniform(0.3, 0.6), rng.uniform(0.3, 0.6))
            if rng.random() < 0.5:
                fu, fv = fv, fu
            shift = fu * u * rng.choice([-1, 1]) + fv * v * rng.choice([-1, 1])
            centre = c.mean(0)
            q = (c - centre) * rng.uniform(0.8, 1.25) + centre + shift
        else:  # a piece of the card: bilinear in its corners
            a = rng.uniform(0.25, 1.0)
            b = rng.uniform(0.1, 0.35) / a
            if b > 1:
                continue
            u0, v0 = rng.uniform(0, 1 - a), rng.uniform(0, 1 - b)
            uv = [(u0, v0), (u0 + a, v0), (u0 + a, v0 + b), (u0, v0 + b)]
            q = np.array([(1 - s) * (1 - t) * c[0] + s * (1 - t) * c[1] + s * t * c[2] + (1 - s) * t * c[3] for s, t in uv])
        q = q + rng.normal(0, 0.02 * diag, (4, 2))
        if not inside_frame(q, width, height) or area(q) < 1:
            continue
        if all(quad_iou(q, k) <= PART_IOU for k in cards) and max(overlap(q, k) for k in cards) >= PART_MIN_COVER * area(q):
            return q
    return None


def span_quad(cards, width, height, rng, tries=10):
    """A rectangle holding two of the frame's cards (each >= SPAN_MIN_INSIDE inside, IoU <= SPAN_IOU with
    every card), as a detection over two cards; None when the frame has fewer than two or none fits."""
    if len(cards) < 2:
        return None
    for _ in range(tries):
        i, j = rng.choice(len(cards), 2, replace=False)
        rect = next((r for r in spanning_rects(cards[i], cards[j]) if inside_frame(r, width, height)), None)
        if rect is None:
            continue
        q = rect + rng.normal(0, 0.02 * np.linalg.norm(rect[2] - rect[0]), (4, 2))
        inside = min(overlap(cards[i], q) / area(cards[i]), overlap(cards[j], q) / area(cards[j]))
        if inside_frame(q, width, height, slack=0.01 * max(width, height)) and inside >= SPAN_MIN_INSIDE \
                and all(quad_iou(q, k) <= SPAN_IOU for k in cards):
            return np.roll(q, -int(rng.integers(4)), axis=0)
    return None


def frame_quads(cards, width, height, rng):
    """[(kind, quad)] of one camera frame's no-card quads that could be placed: `away` (two on a frame without
    cards), `part` and `span` (frames with cards)."""
    cards = [np.asarray(c, float) for c in cards]
    found = [('away', away_quad(cards, width, height, rng))]
    if cards:
        found += [('part', part_quad(cards, width, height, rng)), ('span', span_quad(cards, width, height, rng))]
    else:
        found += [('away', away_quad(cards, width, height, rng))]
    return [(k, q) for k, q in found if q is not None]


def frame_no_cards(frames, rng, source='frame', images=None):
    """[(crop uint8 [CROP, CROP, 3], aspect, kind, scenario)] of dump frames' no-card quads, cut as
    detections are: from the camera frame (`source` 'frame') or the 256x256 model input (`images`)."""
    out = []
    for i, f in enumerate(frames):
        quads = frame_quads([c['quad'] for c in f['cards']], f['width'], f['height'], rng)
        if not quads:
            continue
        frame = Image.open(f['path']).convert('RGB') if source == 'frame' else None
        for kind, q in quads:
            if source == 'frame':
                crop, aspect = detection_crop(frame, q), card_aspect(q)
            else:
                scale = np.array([images.shape[2] / f['width'], images.shape[1] / f['height']])
                crop, aspect = card_crop(np.asarray(images[i]), q * scale, card_aspect(q)), card_aspect(q)
            out.append((np.round(crop * 255).astype(np.uint8), aspect, kind, f['scenario']))
    return out


# ------------------------------------------------------------ drawn desks, sheets, pairs


def photo_split(photos):
    """(training, validation) photographs: every VALIDATION_PHOTO_EVERY-th one is kept for validation desks."""
    val = [p for i, p in enumerate(photos) if i % VALIDATION_PHOTO_EVERY == VALIDATION_PHOTO_EVERY - 1]
    return [p for i, p in enumerate(photos) if i % VALIDATION_PHOTO_EVERY != VALIDATION_PHOTO_EVERY - 1], val


def paper_colour(rng):
    """White, cream, grey or a light colour."""
    kind = rng.choice(['white', 'cream', 'grey', 'light'], p=[0.4, 0.2, 0.2, 0.2])
    if kind == 'white':
        return rng.uniform(0.88, 1.0) * (1 - rng.uniform(0, 0.03, 3))
    if kind == 'cream':
        return rng.uniform(0.9, 1.0) * np.array([1.0, rng.uniform(0.93, 0.98), rng.uniform(0.78, 0.9)])
    if kind == 'grey':
        return np.full(3, rng.uniform(0.55, 0.85))
    return rng.uniform(0.72, 1.0, 3)


def paper_shading(rng, u, v, sw, sh):
    """A sheet's brightness [h, w] in (0, 1]: a linear gradient, then a fold (a step and a soft crease line)
    or a shadow's soft edge across it, or neither. Only light: the paper carries no marks."""
    b = rng.uniform(0, 2 * np.pi)
    t = ((u * np.cos(b) + v * np.sin(b)) / np.hypot(sw, sh) + 0.5).clip(0, 1)
    shade = 1 - rng.uniform(0, 0.3) * t
    line = rng.random()
    if line < 0.7:
        c, off = rng.uniform(0, np.pi), rng.uniform(-0.35, 0.35) * min(sw, sh)
        d = u * np.cos(c) + v * np.sin(c) - off
        if line < 0.35:  # a fold: one half tilted from the light, a crease along the fold
            shade = shade * np.where(d > 0, 1.0, rng.uniform(0.85, 0.97)) * (1 - rng.uniform(0.02, 0.1) * np.exp(-d ** 2 / 2))
        else:  # a shadow's edge, soft or sharp
            shade = shade * (1 - rng.uniform(0.2, 0.5) * 0.5 * (1 + np.tanh(d / rng.uniform(1, 16))))
    return shade


def sheet_image(rng, desk, centre, size, a, noise=True):
    """A plain sheet (rectangle `size` = (w, h) turned by `a` about `centre`) laid on `desk` (float [h, w, 3]):
    (image float [h, w, 3], the sheet's outline quad, its paper colour)."""
    h, w = desk.shape[:2]
    sw, sh = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5
    u = (xs - centre[0]) * np.cos(a) + (ys - centre[1]) * np.sin(a)
    v = -(xs - centre[0]) * np.sin(a) + (ys - centre[1]) * np.cos(a)
    cover = np.minimum(sw / 2 - np.abs(u), sh / 2 - np.abs(v)).clip(-0.5, 0.5) + 0.5  # one-pixel anti-aliased edge
    colour = paper_colour(rng).astype(np.float32)
    sheet = colour * paper_shading(rng, u, v, sw, sh)[..., None]
    img = desk * (1 - cover[..., None]) + sheet * cover[..., None]
    if noise:
        img = img + rng.uniform(0.003, 0.03) * rng.standard_normal(img.shape, np.float32)
    return img.clip(0, 1), rectangle(size, a) + centre, colour


def rectangle(size, a):
    """The corners of a (w, h) rectangle turned by `a` about the origin, clockwise in image coordinates."""
    sw, sh = size
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return np.array([[-sw, -sh], [sw, -sh], [sw, sh], [-sw, sh]]) / 2 @ rot.T


class NoCardDrawer:
    """No-card crops drawn on synthetic desks (desk, sheet, pair), reproducible from `seed`; `photos` are
    domain_rand training photographs (a split of them: `photo_split`), `face` draws an upright card face."""

    def __init__(self, seed, photos, face):
        self.rng = np.random.default_rng(seed)
        self.desks = DomainRandomizer(1.0, 0.0, torch.Generator().manual_seed(seed), photos)
        self.face = face

    def desk(self):
        """A desk float [DESK_SIDE, DESK_SIDE, 3]: a photograph or a procedural texture, sometimes a shadow and sensor noise."""
        d = self.desks.desk(DESK_SIDE, DESK_SIDE)
        if self.rng.random() < 0.3:
            d = self.desks.shadow(d)
        if self.rng.random() < 0.3:
            d = self.desks.sensor_noise(d)
        return d.clamp(0, 1).permute(1, 2, 0).numpy()

    def cut(self, img, quad):
        """(crop, aspect) of `quad` in a float image, cut as the app cuts a detection."""
        frame = Image.fromarray(np.round(np.clip(img, 0, 1) * 255).astype(np.uint8))
        return detection_crop(frame, quad), card_aspect(quad)

    def on_desk(self, q):
        """Quad `q` moved to a random place on the desk, 4 pixels in from its edges (the app's crop of a quad
        past the frame would show what a drawn desk has not); None when it is too large."""
        lo, hi = q.min(0), q.max(0)
        if (hi - lo > DESK_SIDE - 8).any():
            return None
        return q + self.rng.uniform(4 - lo, DESK_SIDE - 4 - hi)

    def quad_on_desk(self):
        while True:
            q = self.on_desk(card_shaped_quad(self.rng, np.zeros(2), self.rng.uniform(*QUAD_SIDE)))
            if q is not None:
                return q

    def desk_crop(self):
        return self.cut(self.desk(), self.quad_on_desk())

    def sheet_crop(self, mode=None, noise=True):
        """A sheet taken whole by the quad ('whole'), filling it ('fill') or partly in it ('partly')."""
        rng = self.rng
        mode = mode or rng.choice(['whole', 'fill', 'partly'], p=[0.35, 0.35, 0.3])
        desk = self.desk()
        a = rng.uniform(0, 2 * np.pi)
        if mode == 'whole':
            longer = rng.uniform(*QUAD_SIDE)
            size = (longer, longer / rng.uniform(1.0, 1.6))
            outline = rectangle(size, a)
            q = outline + rng.normal(0, 0.02 * np.hypot(*size), (4, 2))
            placed = self.on_desk(np.concatenate([outline, q]))
            if placed is None:
                return self.sheet_crop(mode, noise)
            img, _, _ = sheet_image(rng, desk, placed[:4].mean(0), size, a, noise)
            return self.cut(img, np.roll(placed[4:], -int(rng.integers(4)), axis=0))
        longer = rng.uniform(300, 700)
        img, outline, _ = sheet_image(rng, desk, rng.uniform(0, DESK_SIDE, 2), (longer, longer / rng.uniform(1.2, 1.5)), a, noise)
        for _ in range(50):
            q = self.quad_on_desk()
            inside = overlap(q, outline) / area(q)
            if (mode == 'fill' and inside > 0.999) or (mode == 'partly' and 0.3 <= inside <= 0.9):
                return self.cut(img, q)
        return self.sheet_crop(mode, noise)  # the sheet fell where no such quad fits: draw another

    def pair_crop(self):
        """Two faces side by side (touching to a third of a card apart), the quad spanning both."""
        rng = self.rng
        faces = [self.face(rng).rotate(90 * int(rng.integers(4)), expand=True) for _ in range(2)]
        scale = rng.uniform(40, 128) / max(max(f.size) for f in faces)
        faces = [f.resize((max(1, round(f.width * scale)), max(1, round(f.height * scale))), Image.BOX) for f in faces]
        desk = Image.fromarray(np.round(self.desk() * 255).astype(np.uint8)) if rng.random() < 0.5 else \
            Image.new('RGB', (DESK_SIDE, DESK_SIDE), tuple(int(c) for c in rng.integers(0, 256, 3)))
        across = rng.random() < 0.5  # side by side along x, else one above the other
        a, b = faces
        gap = rng.uniform(0, 0.3) * (a.width if across else a.height)
        slide = rng.uniform(-0.15, 0.15) * (a.height if across else a.width)
        pos_b = (a.width + gap, slide) if across else (slide, a.height + gap)
        boxes = [np.array([0, 0, a.width, a.height]), np.array([pos_b[0], pos_b[1], pos_b[0] + b.width, pos_b[1] + b.height])]
        rect = lambda x0, y0, x1, y1: np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)  # noqa: E731
        boxes = [np.round(box) for box in boxes]
        cards = [rect(*box) for box in boxes]
        q = rect(*np.minimum(boxes[0][:2], boxes[1][:2]), *np.maximum(boxes[0][2:], boxes[1][2:]))
        q = q + rng.normal(0, 0.02 * np.linalg.norm(q[2] - q[0]), (4, 2))
        placed = self.on_desk(np.concatenate([q, *cards]))
        if placed is None or not all(quad_iou(q, c) <= SPAN_IOU for c in cards):
            return self.pair_crop()
        shift = np.round(placed[0] - q[0])
        for f, box in zip(faces, boxes):
            desk.paste(f, tuple(int(v) for v in box[:2] + shift))
        return self.cut(np.asarray(desk, np.float32) / 255, np.roll(q + shift, -int(rng.integers(4)), axis=0))

    def crops(self, counts):
        """[(crop uint8, aspect, kind, 'drawn')] with counts {kind: n} of DRAWN_KINDS."""
        draw = {'desk': self.desk_crop, 'sheet': self.sheet_crop, 'pair': self.pair_crop}
        out = []
        for kind, n in counts.items():
            for _ in range(n):
                crop, aspect = draw[kind]()
                out.append((np.round(crop * 255).astype(np.uint8), aspect, kind, 'drawn'))
        return out
