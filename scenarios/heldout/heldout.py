"""A held-out card suite made by code that shares nothing with scenarios/generator.

Different on purpose from the training generator at every stage:
  desks        real photographs from Debian packages (scikit-image and scikit-learn sample images, MATE
               wallpapers; see LICENSES.md), never procedural textures
  cards        PIL-drawn designs (colour band, thin frame, diagonal split, dark with accent bar, gradient,
               monogram) in Liberation and FreeFont faces, rounded corners, a paper edge and a drop shadow
  geometry     a 3D card plane rotated by yaw/pitch/roll, pinhole-projected; PIL perspective warp at 2x
  light        gamma-2.2 linear light, von Kries white-balance casts, hard polygon shadows, cos^4 vignette
  sensor       RGGB Bayer mosaic with Poisson-Gaussian noise (shot noise at high ISO, read noise, row
               banding), bilinear demosaic, a power-law tone curve, PIL/libjpeg at random quality and
               chroma subsampling
  hands        a skin-toned thumb and fingers holding the card, over its edges
Frames are written in the real-photo suite format (one folder per scenario, truth.json rio-truth/1) with
the exact quad of every card, clockwise from the card's own top-left (the top-left of its text as read).

  /usr/bin/python3 scenarios/heldout/heldout.py --out .rio-farm/scenarios/heldout-src/heldout [--seed 18] [--photos DIR]

Deterministic: every frame is a pure function of (seed, scenario, frame index) and the pinned photos
(sha256-checked). The photos are unpacked from the packages' .debs with `apt-get download` + `dpkg -x`
into --photos (default .rio-farm/scenarios/heldout-src/photos) when missing.
"""
import argparse
import hashlib
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

VERSION = 1
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# (package, version, path inside the package, sha256). Only these photos are used; LICENSES.md lists them.
PHOTOS = json.loads((HERE / 'photos.json').read_text())

DEFAULT_PHOTOS = REPO / '.rio-farm' / 'scenarios' / 'heldout-src' / 'photos'
FONT_DIRS = ['/usr/share/fonts/truetype/liberation2', '/usr/share/fonts/truetype/freefont']
FONTS = {
    'sans': ['LiberationSans-Regular.ttf', 'FreeSans.ttf'],
    'sans_bold': ['LiberationSans-Bold.ttf', 'FreeSansBold.ttf'],
    'serif': ['LiberationSerif-Regular.ttf', 'FreeSerif.ttf'],
    'serif_bold': ['LiberationSerif-Bold.ttf', 'FreeSerifBold.ttf'],
    'mono': ['LiberationMono-Regular.ttf', 'FreeMono.ttf'],
    'italic': ['LiberationSerif-Italic.ttf', 'FreeSerifItalic.ttf'],
}

FIRST = ['Amelia', 'Bruno', 'Chiara', 'Dmitri', 'Elif', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Lars',
         'Marta', 'Nils', 'Olga', 'Pavel', 'Rosa', 'Soren', 'Tomas', 'Ulla', 'Vera', 'Wim', 'Yara', 'Zeno']
LAST = ['Albrecht', 'Bianchi', 'Castell', 'Duarte', 'Eriksen', 'Fontaine', 'Gallo', 'Halvorsen', 'Ivanova', 'Janssen',
        'Kowalski', 'Lindqvist', 'Moreau', 'Novak', 'Ortega', 'Petrov', 'Quist', 'Rinaldi', 'Sandberg', 'Tanaka']
TITLES = ['Senior Architect', 'Head of Sales', 'Managing Partner', 'Lead Engineer', 'Art Director', 'Notary Public',
          'Chief Financial Officer', 'Veterinary Surgeon', 'Project Manager', 'Sommelier', 'Patent Attorney']
FIRMS = ['NORDLICHT', 'Vireo & Co', 'ATELIER 9', 'Quarzo', 'Helix Labs', 'Birchwood', 'OSTRA', 'Kestrel GmbH', 'Lumen SA']
DESIGNS = ['band', 'frame', 'split', 'accent', 'gradient', 'monogram']

# scenario id -> (condition tag, frames, kind)
SCENARIOS = [
    ('desk-daylight', 'daylight', 34, 'desk'),
    ('desk-night-iso', 'night_iso', 34, 'desk'),
    ('desk-hard-shadow', 'hard_shadow', 30, 'desk'),
    ('hand-held', 'in_hand', 34, 'hand'),
    ('desk-colour-cast', 'colour_cast', 26, 'desk'),
    ('desk-blur-jpeg', 'blur_jpeg', 26, 'desk'),
    ('two-cards', 'two_cards', 26, 'two'),
    ('empty', 'empty', 26, 'empty'),
]


# ---------------------------------------------------------------- photos

def ensure_photos(photo_dir):
    """Unpacks the pinned photos' packages into photo_dir (apt-get download + dpkg -x) and checks sha256s."""
    photo_dir = Path(photo_dir)
    for p in PHOTOS:
        path = photo_dir / p['package'] / p['path']
        if not path.exists():
            debs = photo_dir / 'debs'
            debs.mkdir(parents=True, exist_ok=True)
            spec = f"{p['package']}={p['version']}"
            if not list(debs.glob(f"{p['package']}_*.deb")):
                subprocess.run(['apt-get', 'download', spec], cwd=debs, check=True, capture_output=True)
            deb = sorted(debs.glob(f"{p['package']}_*.deb"))[0]
            subprocess.run(['dpkg', '-x', str(deb), str(photo_dir / p['package'])], check=True)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != p['sha256']:
            raise SystemExit(f'heldout: {path} has sha256 {digest}, pinned {p["sha256"]}')
    return photo_dir


def load_photo(photo_dir, p, cache={}):
    key = (str(photo_dir), p['path'])
    if key not in cache:
        img = Image.open(Path(photo_dir) / p['package'] / p['path']).convert('RGB')
        # big wallpapers: keep <= 2400 px on the long side (the crops are resized anyway)
        s = 2400 / max(img.size)
        if s < 1:
            img = img.resize((round(img.width * s), round(img.height * s)), Image.LANCZOS)
        cache[key] = img
    return cache[key]


# ---------------------------------------------------------------- cards

def font(rng, kind, size):
    name = FONTS[kind][int(rng.integers(len(FONTS[kind])))]
    for d in FONT_DIRS:
        if (Path(d) / name).exists():
            return ImageFont.truetype(str(Path(d) / name), size)
    raise SystemExit(f'heldout: font {name} missing (apt-get install fonts-liberation2 fonts-freefont-ttf)')


def rand_colour(rng, lo=0, hi=255):
    return tuple(int(v) for v in rng.integers(lo, hi + 1, 3))


def draw_card(rng, design, portrait):
    """An RGBA card image (text upright), its top-left = the card's own top-left. 300 dpi-ish."""
    w, h = (1050, 600) if rng.random() < 0.6 else (1063, 650)  # 3.5x2 in, 90x55 mm
    if portrait:
        w, h = h, w
    dark = design in ('accent', 'monogram') and rng.random() < 0.6
    paper = rand_colour(rng, 20, 60) if dark else tuple(int(v) for v in (255 - rng.integers(0, 30, 3)))
    ink = rand_colour(rng, 215, 255) if dark else rand_colour(rng, 0, 70)
    accent = rand_colour(rng, 30, 230)
    img = Image.new('RGB', (w, h), paper)
    d = ImageDraw.Draw(img)
    u = min(w, h) / 600
    if design == 'band':
        d.rectangle([0, 0, int(w * rng.uniform(0.08, 0.2)), h], fill=accent)
    elif design == 'frame':
        m = int(28 * u)
        d.rectangle([m, m, w - m, h - m], outline=accent, width=max(2, int(4 * u)))
    elif design == 'split':
        d.polygon([(w * rng.uniform(0.55, 0.8), 0), (w, 0), (w, h), (w * rng.uniform(0.35, 0.6), h)], fill=accent)
    elif design == 'accent':
        y = int(h * rng.uniform(0.45, 0.6))
        d.rectangle([int(50 * u), y, int(w * 0.55), y + int(10 * u)], fill=accent)
    elif design == 'gradient':
        t = np.linspace(0, 1, w)[None, :, None]
        a, b = np.array(paper, float), np.array(rand_colour(rng, 120, 255), float)
        img = Image.fromarray((a * (1 - t) + b * t).repeat(h, 0).astype(np.uint8))
        d = ImageDraw.Draw(img)
    elif design == 'monogram':
        f = font(rng, 'serif_bold', int(260 * u))
        d.text((w - int(300 * u), int(40 * u)), rng.choice(list('ABDEGHKMPRW')), font=f, fill=accent)
    name = f'{rng.choice(FIRST)} {rng.choice(LAST)}'
    x0, y = int(60 * u) + (int(w * 0.2) if design == 'band' else 0), int(70 * u)
    d.text((x0, y), name, font=font(rng, rng.choice(['serif_bold', 'sans_bold']), int(62 * u)), fill=ink)
    d.text((x0, y + int(85 * u)), rng.choice(TITLES), font=font(rng, rng.choice(['italic', 'sans']), int(36 * u)), fill=ink)
    d.text((x0, y + int(140 * u)), rng.choice(FIRMS), font=font(rng, 'sans_bold', int(40 * u)), fill=accent if not dark else ink)
    small = font(rng, rng.choice(['mono', 'sans']), int(27 * u))
    ly = h - int(200 * u)
    for line in [f'+{rng.integers(10, 99)} {rng.integers(100, 999)} {rng.integers(1000, 9999)}',
                 f'{name.split()[0].lower()}@{rng.choice(FIRMS).split()[0].lower().strip("&")}.example',
                 f'{rng.integers(1, 200)} {rng.choice(LAST)}strasse, {rng.integers(1000, 99999)}']:
        d.text((x0, ly), line, font=small, fill=ink)
        ly += int(42 * u)
    # rounded corners (alpha) and a faint paper edge
    radius = int(rng.choice([0, 12, 24, 40]) * u)
    alpha = Image.new('L', (w, h), 0)
    ImageDraw.Draw(alpha).rounded_rectangle([0, 0, w - 1, h - 1], radius=radius, fill=255)
    edge = tuple(max(0, c - 25) for c in paper)
    ImageDraw.Draw(img).rounded_rectangle([0, 0, w - 1, h - 1], radius=radius, outline=edge, width=2)
    img.putalpha(alpha)
    return img


# ---------------------------------------------------------------- geometry

def homography(src, dst):
    """3x3 H with dst ~ H src for 4 point pairs (DLT)."""
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.array(a, float))
    h = vt[-1].reshape(3, 3)
    return h / h[2, 2]


def project_card(rng, frame_w, frame_h, card_w, card_h, fill, centre, roll, tilt):
    """Corners of a card (clockwise from its own top-left) seen by a pinhole camera, in frame pixels."""
    f = 0.5 * max(frame_w, frame_h) / math.tan(math.radians(rng.uniform(30, 36)))  # ~60-72 deg FOV
    aspect = card_h / card_w
    cw = 1.0
    pts = np.array([[-cw / 2, -cw * aspect / 2, 0], [cw / 2, -cw * aspect / 2, 0],
                    [cw / 2, cw * aspect / 2, 0], [-cw / 2, cw * aspect / 2, 0]])
    r = math.radians(roll)
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    axis = rng.uniform(0, 2 * math.pi)
    t = math.radians(tilt)
    k = np.array([math.cos(axis), math.sin(axis), 0])
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    rt = np.eye(3) + math.sin(t) * kx + (1 - math.cos(t)) * kx @ kx
    p = pts @ rz.T @ rt.T
    # distance so the card's long side covers `fill` of the frame's short side
    z = f * max(cw, cw * aspect) / (fill * min(frame_w, frame_h))
    p[:, 2] += z
    x = f * p[:, 0] / p[:, 2] + centre[0] * frame_w
    y = f * p[:, 1] / p[:, 2] + centre[1] * frame_h
    return np.stack([x, y], 1)


def warp_rgba(card, quad, frame_w, frame_h, ss=2):
    """The card warped onto a transparent frame so its corners land on quad (continuous coords, pixel
    centres at +0.5), rendered at ss x and box-filtered down for clean edges."""
    w, h = card.size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    hm = homography([tuple(q * ss) for q in quad], src)  # frame(ss) -> card
    coeffs = (hm / hm[2, 2]).flatten()[:8]
    big = card.transform((frame_w * ss, frame_h * ss), Image.PERSPECTIVE, tuple(coeffs), Image.BILINEAR)
    return big.resize((frame_w, frame_h), Image.BOX)


# ---------------------------------------------------------------- scene and camera

def srgb_to_lin(a):
    return (a / 255.0) ** 2.2


def background(rng, photo_dir, photos, frame_w, frame_h):
    p = photos[int(rng.integers(len(photos)))]
    img = load_photo(photo_dir, p)
    scale = rng.uniform(0.45, 1.0)
    cw = int(min(img.width, img.height * frame_w / frame_h) * scale)
    ch = int(cw * frame_h / frame_w)
    x, y = int(rng.integers(0, img.width - cw + 1)), int(rng.integers(0, img.height - ch + 1))
    crop = img.crop((x, y, x + cw, y + ch)).resize((frame_w, frame_h), Image.BICUBIC)
    if rng.random() < 0.5:
        crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
    return srgb_to_lin(np.asarray(crop, np.float32)), PHOTOS.index(p)


def hand_mask(rng, frame_w, frame_h, quad):
    """A thumb over one card edge and two or three fingertips behind the opposite edge (alpha 0..1, 1 = skin),
    plus which of them are in front of the card."""
    front = Image.new('L', (frame_w, frame_h), 0)
    behind = Image.new('L', (frame_w, frame_h), 0)
    df, db = ImageDraw.Draw(front), ImageDraw.Draw(behind)
    side = int(rng.integers(4))
    a, b = quad[side], quad[(side + 1) % 4]
    c = quad.mean(0)
    edge_len = np.linalg.norm(b - a)
    width = edge_len * rng.uniform(0.16, 0.24)
    t = rng.uniform(0.25, 0.75)
    base = a + (b - a) * t
    out = base - c
    out /= np.linalg.norm(out) + 1e-9
    tip = base - out * width * rng.uniform(0.6, 1.1)  # thumb tip inside the card
    far = base + out * max(frame_w, frame_h)  # the hand comes from outside the card
    nrm = np.array([-out[1], out[0]])
    poly = [tip + nrm * width / 2, far + nrm * width * 0.7, far - nrm * width * 0.7, tip - nrm * width / 2]
    df.polygon([tuple(p) for p in poly], fill=255)
    df.ellipse([tip[0] - width / 2, tip[1] - width / 2, tip[0] + width / 2, tip[1] + width / 2], fill=255)
    # fingers behind the opposite edge, peeking out
    a2, b2 = quad[(side + 2) % 4], quad[(side + 3) % 4]
    for k in range(int(rng.integers(2, 4))):
        base2 = a2 + (b2 - a2) * (0.25 + 0.22 * k + rng.uniform(-0.05, 0.05))
        out2 = base2 - c
        out2 /= np.linalg.norm(out2) + 1e-9
        tip2 = base2 + out2 * width * rng.uniform(0.3, 0.7)
        fw = width * 0.8
        n2 = np.array([-out2[1], out2[0]])
        p2 = [tip2 + n2 * fw / 2, base2 - out2 * width + n2 * fw / 2, base2 - out2 * width - n2 * fw / 2, tip2 - n2 * fw / 2]
        db.polygon([tuple(p) for p in p2], fill=255)
        db.ellipse([tip2[0] - fw / 2, tip2[1] - fw / 2, tip2[0] + fw / 2, tip2[1] + fw / 2], fill=255)
    blur = ImageFilter.GaussianBlur(1.2)
    return np.asarray(front.filter(blur), np.float32) / 255, np.asarray(behind.filter(blur), np.float32) / 255


def skin(rng, frame_w, frame_h):
    tone = np.array([rng.uniform(0.35, 0.85), rng.uniform(0.22, 0.6), rng.uniform(0.15, 0.45)]) ** 2.2
    yy, xx = np.mgrid[0:frame_h, 0:frame_w].astype(np.float32)
    shade = 0.75 + 0.25 * np.sin(xx / frame_w * rng.uniform(3, 9) + yy / frame_h * rng.uniform(3, 9))
    return tone[None, None, :] * shade[..., None]


def hard_shadow(rng, frame_w, frame_h):
    """A hard-edged shadow (a phone, a lamp arm): a random polygon through the frame, 1 = lit."""
    m = Image.new('L', (frame_w, frame_h), 255)
    cx, cy = rng.uniform(0.2, 0.8) * frame_w, rng.uniform(0.2, 0.8) * frame_h
    ang = rng.uniform(0, 2 * math.pi)
    big = 3 * max(frame_w, frame_h)
    d = np.array([math.cos(ang), math.sin(ang)])
    n = np.array([-d[1], d[0]])
    p0 = np.array([cx, cy])
    wdt = rng.uniform(0.15, 0.5) * min(frame_w, frame_h)
    poly = [p0 - n * big, p0 + n * big, p0 + n * big + d * big, p0 - n * big + d * big] if rng.random() < 0.5 else \
        [p0 - n * wdt - d * big, p0 - n * wdt + d * big, p0 + n * wdt + d * big, p0 + n * wdt - d * big]
    ImageDraw.Draw(m).polygon([tuple(p) for p in poly], fill=0)
    m = m.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 2.5)))
    depth = rng.uniform(0.55, 0.8)
    return 1 - depth * (1 - np.asarray(m, np.float32) / 255)


def camera(rng, lin, iso, exposure, jpeg_q, blur_px):
    """Linear scene -> RGGB Bayer mosaic with Poisson-Gaussian noise -> bilinear demosaic -> tone -> JPEG bytes."""
    h, w, _ = lin.shape
    h2, w2 = h - h % 2, w - w % 2
    lin = lin[:h2, :w2]
    if blur_px > 0:
        img = Image.fromarray(np.clip(lin ** (1 / 2.2) * 255, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(blur_px))
        lin = srgb_to_lin(np.asarray(img, np.float32))
    full_well = 9000.0 * 100 / iso  # electrons at full scale
    read = 1.5 + iso / 800.0
    mosaic = np.empty((h2, w2), np.float32)
    mosaic[0::2, 0::2] = lin[0::2, 0::2, 0]
    mosaic[0::2, 1::2] = lin[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = lin[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = lin[1::2, 1::2, 2]
    electrons = rng.poisson(np.clip(mosaic * exposure, 0, 1.2) * full_well).astype(np.float32)
    electrons += rng.normal(0, read, mosaic.shape).astype(np.float32)
    electrons += rng.normal(0, read * 0.3, (h2, 1)).astype(np.float32)  # row banding
    raw = np.clip(electrons / full_well, 0, 1)
    rgb = demosaic(raw)
    if iso >= 1600:  # the ISP's denoise
        img = Image.fromarray(np.clip(rgb ** (1 / 2.2) * 255, 0, 255).astype(np.uint8)).filter(ImageFilter.MedianFilter(3))
        out = np.asarray(img)
    else:
        tone = np.clip(rgb, 0, 1) ** (1 / 2.2)
        tone = tone + 0.08 * tone * (1 - tone) * (tone - 0.5) * 4  # mild S
        out = np.clip(tone * 255 + 0.5, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    sub = int(rng.choice([0, 1, 2]))  # 4:4:4, 4:2:2, 4:2:0
    Image.fromarray(out).save(buf, 'JPEG', quality=int(jpeg_q), subsampling=sub, optimize=False)
    return buf.getvalue(), w2, h2


def demosaic(raw):
    h, w = raw.shape
    pad = np.pad(raw, 1, mode='reflect')

    def sh(dy, dx):
        return pad[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
    cross = (sh(-1, 0) + sh(1, 0) + sh(0, -1) + sh(0, 1)) / 4
    diag = (sh(-1, -1) + sh(-1, 1) + sh(1, -1) + sh(1, 1)) / 4
    horiz = (sh(0, -1) + sh(0, 1)) / 2
    vert = (sh(-1, 0) + sh(1, 0)) / 2
    yy, xx = np.mgrid[0:h, 0:w]
    r_site = (yy % 2 == 0) & (xx % 2 == 0)
    b_site = (yy % 2 == 1) & (xx % 2 == 1)
    g_r_row = (yy % 2 == 0) & (xx % 2 == 1)
    g_b_row = (yy % 2 == 1) & (xx % 2 == 0)
    r = np.where(r_site, raw, np.where(b_site, diag, np.where(g_r_row, horiz, vert)))
    g = np.where(r_site | b_site, cross, raw)
    b = np.where(b_site, raw, np.where(r_site, diag, np.where(g_b_row, horiz, vert)))
    return np.stack([r, g, b], -1)


# ---------------------------------------------------------------- frames

def visible_fraction(card_alpha_full, card_alpha_seen, quad, frame_w, frame_h):
    """Share of the card's full area (the quad's area) that is in frame and not hidden."""
    x, y = quad[:, 0], quad[:, 1]
    area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    return float(np.clip(card_alpha_seen.sum() / max(area, 1e-6), 0, 1))


def render_frame(seed, sid, condition, kind, index, photo_dir, photos):
    rng = np.random.default_rng([seed, int(hashlib.sha256(sid.encode()).hexdigest()[:8], 16), index])
    portrait_frame = rng.random() < 0.3
    frame_w, frame_h = (720, 1280) if portrait_frame else (1280, 720)
    lin, photo = background(rng, photo_dir, photos, frame_w, frame_h)
    params = {'photo': photo}  # index in photos.json
    cards = []
    n_cards = 0 if kind == 'empty' else 2 if kind == 'two' else 1
    if kind == 'empty' and rng.random() < 0.5:
        # a hard negative: a sheet of paper or a sticky note, not a business card
        sheet = Image.new('RGBA', (800, int(800 * rng.choice([1.0, 1.414, 0.7]))), rand_colour(rng, 200, 255) + (255,))
        q = project_card(rng, frame_w, frame_h, sheet.width, sheet.height, rng.uniform(0.6, 1.4),
                         (rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)), rng.uniform(-180, 180), rng.uniform(0, 30))
        warped = np.asarray(warp_rgba(sheet, q, frame_w, frame_h), np.float32) / 255
        a = warped[..., 3:]
        lin = lin * (1 - a) + srgb_to_lin(warped[..., :3] * 255) * a
        params['sheet'] = 1
    layers = []
    base_roll = rng.uniform(-180, 180) if rng.random() < 0.4 else rng.uniform(-30, 30)
    base_fill = rng.uniform(0.35, 0.8) if n_cards == 1 else rng.uniform(0.3, 0.45)
    for k in range(n_cards):
        design = DESIGNS[int(rng.integers(len(DESIGNS)))]
        card = draw_card(rng, design, portrait=rng.random() < 0.2)
        if n_cards == 2:
            ang = math.radians(base_roll + rng.uniform(-10, 10))
            off = rng.uniform(0.15, 0.2) * (1 if k else -1)
            reach = 1.6 * min(frame_w, frame_h)  # the two centres' distance scales with the frame's short side
            centre = (0.5 + off * math.cos(ang) * reach / frame_w, 0.5 + off * math.sin(ang) * reach / frame_h)
            roll = base_roll + rng.uniform(-15, 15)
        else:
            centre = (rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7))
            roll = base_roll
        tilt = rng.uniform(0, 40) if kind != 'hand' else rng.uniform(5, 45)
        quad = project_card(rng, frame_w, frame_h, card.width, card.height, base_fill, centre, roll, tilt)
        warped = np.asarray(warp_rgba(card, quad, frame_w, frame_h), np.float32) / 255
        layers.append((quad, warped, design))
    full_alphas = []
    for quad, warped, design in layers:
        a = warped[..., 3:]
        # drop shadow / card thickness: the alpha blurred, offset down-right, darkening what is below
        sh = Image.fromarray((a[..., 0] * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(2, 6)))
        sh = np.roll(np.asarray(sh, np.float32) / 255, (int(rng.integers(1, 5)), int(rng.integers(1, 5))), (0, 1))
        if kind != 'hand':
            lin = lin * (1 - rng.uniform(0.25, 0.5) * sh[..., None])
        lin = lin * (1 - a) + srgb_to_lin(warped[..., :3] * 255) * a
        full_alphas.append(a[..., 0])
    seen = [al.copy() for al in full_alphas]
    for i in range(len(seen)):  # later cards cover earlier ones
        for j in range(i + 1, len(seen)):
            seen[i] = seen[i] * (1 - full_alphas[j])
    if kind == 'hand' and layers:
        front, behind = hand_mask(rng, frame_w, frame_h, layers[0][0])
        sk = skin(rng, frame_w, frame_h)
        behind = behind * (1 - full_alphas[0])
        for m in (behind, front):
            lin = lin * (1 - m[..., None]) + sk * m[..., None]
        seen[0] = seen[0] * (1 - front)
    # light
    illum = np.ones(3)
    light = 1.0
    iso = 100
    jpeg_q = rng.uniform(80, 95)
    blur = 0.0
    if condition == 'night_iso':
        light, iso = rng.uniform(0.25, 0.5), int(rng.choice([1600, 3200, 6400]))
        illum = np.array([1.0, 0.8, 0.55])
    elif condition == 'colour_cast':
        illum = np.array(rng.choice([[1.0, 0.75, 0.45], [0.7, 0.9, 1.0], [0.85, 1.0, 0.7], [1.0, 0.8, 0.95]]))
        iso = 400
    elif condition == 'hard_shadow':
        sh = hard_shadow(rng, frame_w, frame_h)
        lin = lin * sh[..., None]
        params['shadow'] = 1
    elif condition == 'blur_jpeg':
        blur = rng.uniform(1.5, 4.0)
        jpeg_q = rng.uniform(15, 45)
    else:
        iso = int(rng.choice([100, 200, 400]))
    if condition in ('daylight', 'in_hand', 'two_cards', 'empty') and rng.random() < 0.3:
        sh = hard_shadow(rng, frame_w, frame_h)
        lin = lin * sh[..., None]
    yy, xx = np.mgrid[0:frame_h, 0:frame_w].astype(np.float32)
    rr = np.hypot(xx - frame_w / 2, yy - frame_h / 2) / (0.5 * math.hypot(frame_w, frame_h))
    vig = np.cos(np.arctan(rr * rng.uniform(0.4, 0.9))) ** 4
    lin = lin * vig[..., None] * illum[None, None, :] * light
    exposure = 1.0 / max(light, 1e-3) * rng.uniform(0.7, 1.0)  # auto-exposure brings the light back up
    jpeg, w2, h2 = camera(rng, lin, iso, exposure, jpeg_q, blur)
    params.update({'iso': iso, 'jpeg_quality': round(float(jpeg_q)), 'blur_px': round(float(blur), 2),
                   'illuminant_r': round(float(illum[0]), 3), 'illuminant_g': round(float(illum[1]), 3), 'illuminant_b': round(float(illum[2]), 3)})
    for (quad, _, design), al, s in zip(layers, full_alphas, seen):
        vis = visible_fraction(al, s[:h2, :w2], quad, frame_w, frame_h)
        if vis > 0:
            cards.append({'quad': [[round(float(x), 3), round(float(y), 3)] for x, y in quad], 'visible': round(vis, 4),
                          'design': design})
    return jpeg, w2, h2, cards, params


def build(out, seed, photo_dir, only=None, frames_scale=1.0):
    ensure_photos(photo_dir)
    photos = [p for p in PHOTOS if p['use'] == 'heldout']
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for sid, condition, n, kind in SCENARIOS:
        if only and sid not in only:
            continue
        n = max(1, int(round(n * frames_scale)))
        d = out / sid
        d.mkdir(exist_ok=True)
        frames = []
        for i in range(n):
            jpeg, w, h, cards, params = render_frame(seed, sid, condition, kind, i, photo_dir, photos)
            name = f'{i:03d}.jpg'
            (d / name).write_bytes(jpeg)
            frames.append({'index': i, 'file': name, 'sha256': hashlib.sha256(jpeg).hexdigest(), 'width': w, 'height': h,
                           'negative': not cards,
                           'cards': [{'quad': c['quad'], 'visible': c['visible']} for c in cards],
                           'lighting': {'tags': [condition], 'params': {**params, **{f'design_{k}': DESIGNS.index(c['design']) for k, c in enumerate(cards)}}}})
        truth = {'schema': 'rio-truth/1', 'id': sid, 'suite': out.name, 'conditions': [condition], 'background': 'photo',
                 'fps': 30, 'resolution': [frames[0]['width'], frames[0]['height']],
                 'generator': {'name': 'scenarios/heldout/heldout.py', 'version': VERSION, 'seed': seed},
                 'frames': frames}
        (d / 'truth.json').write_text(json.dumps(truth, indent=1))
        total += n
        print(f'{sid}: {n} frames', flush=True)
    (out / 'heldout.json').write_text(json.dumps({'version': VERSION, 'seed': seed, 'frames': total}))
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=str(REPO / '.rio-farm' / 'scenarios' / 'heldout-src' / 'heldout'))
    ap.add_argument('--seed', type=int, default=18)
    ap.add_argument('--photos', default=str(DEFAULT_PHOTOS))
    ap.add_argument('--only', action='append', help='scenario id (repeatable)')
    ap.add_argument('--frames-scale', type=float, default=1.0, help='fewer frames per scenario (tests)')
    args = ap.parse_args()
    n = build(args.out, args.seed, args.photos, args.only, args.frames_scale)
    print(f'{n} frames in {args.out}')


if __name__ == '__main__':
    sys.exit(main())
