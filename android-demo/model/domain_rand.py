"""Domain randomisation of training batches (train.py --domain-rand P).

The dumped train frames all come from one generator (its desks, card designs, light and sensor
model). A model trained on them alone learns that generator. Each sample of a batch is, with
probability P, moved away from it, on the app-preprocessed input and its targets:

  background    everything outside the card (the mask target's coverage) replaced by a procedural
                texture (value noise, wood-like stripes, tiles, text-like marks, gradients) or a crop of
                a TRAINING photograph (photos.json entries with use "train": UKUI and Lomiri wallpapers,
                never the held-out suite's photos)
  hard negative with probability `negative` per sample: the whole frame replaced by such a desk, with
                or without a sheet of paper on it, every target zeroed
  light         hard shadows (half-plane or band, sharp or slightly soft edge, 25-75% darker), strong
                white-balance casts, vignetting
  sensor        Poisson-Gaussian noise in linear light (shot noise at high ISO, read noise, per channel),
                then the ISP's blur
  optics, codec gaussian or motion blur, JPEG at quality 8-60
  second card   (`two_card`, a share of the card samples, before the rest) a card cut from another sample
                of the batch (its mask target's coverage) pasted shifted over this one, overlapping it
                without hiding its centre: two cards that touch or overlap, with both cards' targets

Every draw comes from the generator train.py seeds, so a run is reproducible.
"""
import io
import json
import math
import subprocess
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PHOTOS_JSON = REPO / 'scenarios' / 'heldout' / 'photos.json'
PHOTO_DIR = REPO / '.rio-farm' / 'scenarios' / 'heldout-src' / 'photos'
PHOTO_SIDE = 640  # photos are kept at this long side; crops are resized to the input


def train_photo_entries():
    """photos.json entries meant for training (use == 'train'); the held-out ones are never read here."""
    return [p for p in json.loads(PHOTOS_JSON.read_text()) if p['use'] == 'train']


def load_train_photos(photo_dir=PHOTO_DIR):
    """The training photographs as float tensors [3, h, w] in 0..1 (unpacking their .debs when missing)."""
    import hashlib
    photo_dir = Path(photo_dir)
    out = []
    for p in train_photo_entries():
        path = photo_dir / p['package'] / p['path']
        if not path.exists():
            debs = photo_dir / 'debs'
            debs.mkdir(parents=True, exist_ok=True)
            if not list(debs.glob(f"{p['package']}_*.deb")):
                subprocess.run(['apt-get', 'download', f"{p['package']}={p['version']}"], cwd=debs, check=True, capture_output=True)
            subprocess.run(['dpkg', '-x', str(sorted(debs.glob(f"{p['package']}_*.deb"))[0]), str(photo_dir / p['package'])], check=True)
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != p['sha256']:
            raise SystemExit(f'domain_rand: {path} does not match its pinned sha256')
        img = Image.open(io.BytesIO(data)).convert('RGB')
        s = PHOTO_SIDE / max(img.size)
        img = img.resize((round(img.width * s), round(img.height * s)), Image.BILINEAR)
        out.append(torch.from_numpy(np.asarray(img, np.float32) / 255).permute(2, 0, 1).contiguous())
    return out


class DomainRandomizer:
    def __init__(self, p, negative, gen, photos=None, two_card=0.0):
        self.p, self.negative, self.gen, self.two_card = p, negative, gen, two_card
        self.photos = (load_train_photos() if p > 0 else []) if photos is None else photos

    def r(self, *shape):
        return torch.rand(*shape, generator=self.gen)

    def u(self, lo, hi):
        return lo + (hi - lo) * float(self.r(1))

    def randint(self, n):
        return int(torch.randint(n, (1,), generator=self.gen))

    # ------------------------------------------------------------ desks

    def texture(self, h, w):
        """A procedural desk [3, h, w]."""
        kind = self.randint(5)
        c1, c2 = self.r(3, 1, 1), self.r(3, 1, 1)
        if kind == 0:  # value noise, several octaves
            t = torch.zeros(1, 1, h, w)
            for k, cells in enumerate((4, 8, 16, 32, 64)):
                g = self.r(1, 1, cells, cells)
                t += F.interpolate(g, size=(h, w), mode='bilinear', align_corners=False) * 0.5 ** k
            t = (t - t.min()) / (t.max() - t.min() + 1e-6)
        elif kind == 1:  # wood-like stripes bent by noise
            ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing='ij')
            a = self.u(0, math.pi)
            warp = F.interpolate(self.r(1, 1, 6, 6), size=(h, w), mode='bilinear', align_corners=False)[0, 0]
            t = 0.5 + 0.5 * torch.sin((xs * math.cos(a) + ys * math.sin(a)) * self.u(0.05, 0.4) + warp * self.u(2, 12))
            t = t[None, None]
        elif kind == 2:  # tiles with grout
            s = self.u(12, 60)
            ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing='ij')
            a = self.u(0, math.pi / 2)
            u, v = xs * math.cos(a) + ys * math.sin(a), -xs * math.sin(a) + ys * math.cos(a)
            t = ((torch.floor(u / s) + torch.floor(v / s)) % 2) * self.u(0.1, 0.6)
            grout = ((u % s) < 2) | ((v % s) < 2)
            t = torch.where(grout, torch.tensor(1.0), t)[None, None]
        elif kind == 3:  # text-like marks on a light ground (documents, newspapers)
            t = torch.ones(1, 1, h, w)
            line = self.u(5, 14)
            for row in range(int(h / line)):
                x = self.u(0, w * 0.2)
                while x < w:
                    ln = self.u(4, 30)
                    y0 = int(row * line + line * 0.25)
                    t[..., y0:y0 + max(1, int(line * 0.45)), int(x):int(x + ln)] = self.u(0, 0.4)
                    x += ln + self.u(3, 8)
            c1 = torch.full((3, 1, 1), self.u(0.0, 0.3))
            c2 = torch.full((3, 1, 1), self.u(0.75, 1.0)) * (0.9 + 0.1 * self.r(3, 1, 1))
        else:  # smooth gradient
            ys, xs = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing='ij')
            a = self.u(0, 2 * math.pi)
            t = ((xs - 0.5) * math.cos(a) + (ys - 0.5) * math.sin(a) + 0.5).clamp(0, 1)[None, None]
        t = t[0]
        return (c1 * (1 - t) + c2 * t).clamp(0, 1)

    def photo(self, h, w):
        """A crop of a training photograph [3, h, w]."""
        img = self.photos[self.randint(len(self.photos))]
        _, ph, pw = img.shape
        scale = self.u(0.3, 1.0)
        ch, cw = max(8, int(ph * scale)), max(8, int(pw * scale))
        y, x = self.randint(ph - ch + 1), self.randint(pw - cw + 1)
        crop = img[:, y:y + ch, x:x + cw]
        if float(self.r(1)) < 0.5:
            crop = crop.flip(-1)
        if float(self.r(1)) < 0.3:
            crop = crop.transpose(1, 2)
        return F.interpolate(crop[None], size=(h, w), mode='bilinear', align_corners=False)[0]

    def desk(self, h, w):
        return self.photo(h, w) if self.photos and float(self.r(1)) < 0.5 else self.texture(h, w)

    def sheet(self, img):
        """A sheet of paper (a large light quad, often partly out of frame) laid on a desk."""
        _, h, w = img.shape
        cx, cy = self.u(0.1, 0.9) * w, self.u(0.1, 0.9) * h
        sw, sh = self.u(0.8, 1.6) * w, self.u(0.8, 1.6) * h  # bigger than any card, plain (cards carry print)
        a = self.u(0, math.pi)
        ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32) + 0.5, torch.arange(w, dtype=torch.float32) + 0.5, indexing='ij')
        u = (xs - cx) * math.cos(a) + (ys - cy) * math.sin(a)
        v = -(xs - cx) * math.sin(a) + (ys - cy) * math.cos(a)
        inside = ((u.abs() < sw / 2) & (v.abs() < sh / 2)).float()
        colour = torch.full((3, 1, 1), self.u(0.75, 1.0)) * (0.92 + 0.08 * self.r(3, 1, 1))
        return img * (1 - inside) + colour * inside

    # ------------------------------------------------------------ light, sensor, optics, codec

    def shadow(self, img):
        _, h, w = img.shape
        ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing='ij')
        a = self.u(0, 2 * math.pi)
        d = (xs - self.u(0.2, 0.8) * w) * math.cos(a) + (ys - self.u(0.2, 0.8) * h) * math.sin(a)
        soft = self.u(0.3, 3.0)
        if float(self.r(1)) < 0.5:
            inside = torch.sigmoid(d / soft)
        else:
            half = self.u(0.08, 0.3) * min(h, w)
            inside = torch.sigmoid((half - d.abs()) / soft)
        return img * (1 - self.u(0.25, 0.75) * inside)

    def white_balance(self, img):
        gains = torch.exp((self.r(3, 1, 1) - 0.5) * 0.9)
        return (img * gains / gains.mean()).clamp(0, 1)

    def vignette(self, img):
        _, h, w = img.shape
        ys, xs = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing='ij')
        return img * (1 - self.u(0.2, 0.6) * ((xs ** 2 + ys ** 2) / 2) ** self.u(0.8, 1.5))

    def sensor_noise(self, img):
        lin = img.clamp(0, 1) ** 2.2
        full_well = math.exp(self.u(math.log(60), math.log(2500)))  # electrons at full scale: high ISO = few
        read = self.u(0.0, 0.015)
        exposure = self.u(0.6, 1.0)  # a dark scene pushed up by gain: the noise is scaled with it
        lin = lin * exposure
        noisy = lin + torch.randn(lin.shape, generator=self.gen) * (lin / full_well).sqrt() + torch.randn(lin.shape, generator=self.gen) * read
        out = (noisy / exposure).clamp(0, 1) ** (1 / 2.2)
        if float(self.r(1)) < 0.5:
            out = self.gaussian_blur(out, self.u(0.4, 1.0))  # the ISP's denoise
        return out

    def gaussian_blur(self, img, sigma):
        k = max(1, int(math.ceil(sigma * 2.5)))
        x = torch.arange(-k, k + 1, dtype=torch.float32)
        g = torch.exp(-x ** 2 / (2 * sigma ** 2))
        g = g / g.sum()
        c = img.shape[0]
        out = F.conv2d(F.pad(img[None], (k, k, 0, 0), mode='replicate'), g.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
        out = F.conv2d(F.pad(out, (0, 0, k, k), mode='replicate'), g.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)
        return out[0]

    def motion_blur(self, img):
        n = self.randint(4) * 2 + 3
        a = self.u(0, math.pi)
        k = torch.zeros(n, n)
        for t in torch.linspace(-(n - 1) / 2, (n - 1) / 2, 4 * n):
            k[int(round(float(t * math.sin(a)) + (n - 1) / 2)), int(round(float(t * math.cos(a)) + (n - 1) / 2))] = 1
        k = k / k.sum()
        c = img.shape[0]
        return F.conv2d(F.pad(img[None], (n // 2,) * 4, mode='replicate'), k.view(1, 1, n, n).repeat(c, 1, 1, 1), groups=c)[0]

    def jpeg(self, img):
        arr = (img.clamp(0, 1).permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, 'JPEG', quality=int(self.u(8, 60)), subsampling=self.randint(3))
        back = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('RGB'), np.float32) / 255
        return torch.from_numpy(back).permute(2, 0, 1)

    # ------------------------------------------------------------ a second card

    def paste_card(self, x, heat, corners, weight, mask, i, j):
        """Pastes sample j's card(s), shifted by whole heat cells, over sample i; False when no shift
        keeps i's card centre visible and both cards mostly in view."""
        _, _, h, w = x.shape
        hs, ms = h // heat.shape[-1], h // mask.shape[-1]  # input pixels per heat / mask cell
        cover_i, cover_j = mask[i, 0].float(), mask[j, 0].float()
        centre_i = heat[i, 0] >= 0.999
        if cover_j.sum() < 4 or cover_i.sum() < 4 or not centre_i.any():
            return False
        for _ in range(6):
            dy, dx = (self.randint(2 * heat.shape[-2] // 2 + 1) - heat.shape[-2] // 2,
                      self.randint(2 * heat.shape[-1] // 2 + 1) - heat.shape[-1] // 2)
            cj = shift(cover_j, dy * hs // ms, dx * hs // ms)
            overlap = (cj * cover_i).sum() / cover_i.sum()
            kept = cj.sum() / cover_j.sum()
            hidden_centre = (F.max_pool2d(cj[None, None], hs // ms)[0, 0][centre_i] > 0.5).any()
            if 0.02 < overlap < 0.45 and kept > 0.85 and not hidden_centre:
                break
        else:
            return False
        alpha = F.interpolate(cj[None, None], size=(h, w), mode='bilinear', align_corners=False)[0].clamp(0, 1)
        x[i] = x[i] * (1 - alpha) + shift(x[j], dy * hs, dx * hs) * alpha
        hj, wj, cjr = shift(heat[j], dy, dx), shift(weight[j], dy, dx), shift(corners[j].float(), dy, dx)
        take = hj >= heat[i]
        corners[i] = torch.where(take, cjr, corners[i].float()).to(corners.dtype)
        weight[i] = torch.where(take, wj, weight[i])
        heat[i] = torch.maximum(heat[i], hj)
        points_j = shift(mask[j, 1].float(), dy * hs // ms, dx * hs // ms)
        mask[i, 1] = torch.maximum(mask[i, 1].float() * (1 - cj), points_j).to(mask.dtype)  # a corner under the pasted card is hidden
        mask[i, 0] = torch.maximum(cover_i, cj).to(mask.dtype)
        return True

    # ------------------------------------------------------------ a batch

    def __call__(self, x, heat, corners, weight, mask):
        """Randomises a batch in place of its tensors (x [n,3,h,w] in 0..1; targets as train.py builds them)."""
        n, _, h, w = x.shape
        x = x.clone()
        if self.two_card > 0:
            with_card = [i for i in range(n) if heat[i].max() >= 0.999]
            for i in with_card:
                if len(with_card) > 1 and float(self.r(1)) < self.two_card:
                    j = with_card[self.randint(len(with_card))]
                    if j != i:
                        self.paste_card(x, heat, corners, weight, mask, i, j)
        for i in range(n):
            if float(self.r(1)) >= self.p:
                continue
            img = x[i]
            if float(self.r(1)) < self.negative:
                img = self.desk(h, w)
                if float(self.r(1)) < 0.35:
                    img = self.sheet(img)
                heat[i].zero_()
                corners[i].zero_()
                weight[i].zero_()
                mask[i].zero_()
            elif float(self.r(1)) < 0.7:
                alpha = F.interpolate(mask[i:i + 1, :1], size=(h, w), mode='bilinear', align_corners=False)[0].clamp(0, 1)
                img = img * alpha + self.desk(h, w) * (1 - alpha)
            if float(self.r(1)) < 0.35:
                img = self.shadow(img)
            if float(self.r(1)) < 0.4:
                img = self.white_balance(img)
            if float(self.r(1)) < 0.3:
                img = self.vignette(img)
            if float(self.r(1)) < 0.35:
                img = self.sensor_noise(img)
            blur = float(self.r(1))
            if blur < 0.15:
                img = self.gaussian_blur(img, self.u(0.6, 2.2) * w / 256)
            elif blur < 0.25:
                img = self.motion_blur(img)
            if float(self.r(1)) < 0.25:
                img = self.jpeg(img)
            x[i] = img.clamp(0, 1)
        return x, heat, corners, weight, mask


def shift(t, dy, dx):
    """t [..., h, w] moved by (dy, dx) cells, zeros where it came in from outside."""
    out = torch.zeros_like(t)
    h, w = t.shape[-2:]
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[..., yd, xd] = t[..., ys, xs]
    return out
