"""Trains QuarterTurnNet (quarter_turn.py) on the cards of train dumps and reports its accuracy.

  /usr/bin/python3 android-demo/model/train_quarter_turn.py --data .rio-farm/model/train-640b --out .rio-farm/model/qt \
      --steps 2000 [--report .rio-farm/model/heldout-dump]

Writes `<out>/quarter_turn.pt` (state dict), `<out>/quarter_turn.onnx` and `<out>/quarter_turn.json` (log, reports).
Every card whose quad lies inside the model input is cut out with its true corner order (`card_crop`),
turned by a random quarter turn (the label) and jittered like a detection's quad. A sixth of the
scenes (every sixth scenario id) is kept apart as `generator validation`, the only split anything is
chosen on; `--report DUMP` (e.g. the held-out suite dumped by `dump-train.ts --suite heldout`) is scored
at the end, never trained on. Accuracy counts every card at each of its four quarter turns.

`--faces P` draws that share of each batch as card faces (card_faces.py), `--geometry P` cuts that share
of crops with a quad moved like a detection's (detection_quads.py), `--occlude P` puts something over a
corner or edge of that share (card_occluder.py). Generator validation cannot see design variety, so
`--val-faces N` faces of a second drawing code (card_faces_val.py: other layouts, fonts, words) are scored
too, clean and hard (cut like a detection and occluded): the split settings are chosen on besides it.

`--reject P` makes that share of each batch no-card crops (no_card.py: quads away from every card, on part of
one, over two; desks, plain sheets, two faces side by side), labelled NO_CARD, for a 5-class net whose fifth
logit lets the app drop a detection that is not one card. Validation then reports, every 250 steps, the share
of no-card crops (held-apart scenes' quads and drawn ones from another seed, photographs and faces) and of card
crops (generator validation, faces clean and hard) with p(no card) >= 0.5, 0.7, 0.9: a card crop over the
threshold is a card the app loses. The turn is the largest of the four turn logits, as the app reads it.
`--init PT` starts from trained weights (a 4-class quarter_turn.pt gives the turn logits; the fifth starts fresh).
"""
import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from PIL import Image  # noqa: E402
from card_faces import card_face_image  # noqa: E402
from card_faces_val import validation_face_image  # noqa: E402
from card_occluder import occlude  # noqa: E402
from detection_quads import detection_like, face_crop  # noqa: E402
from domain_rand import load_train_photos  # noqa: E402
from no_card import DRAWN_KINDS, KIND_SHARE, NoCardDrawer, frame_no_cards, photo_split  # noqa: E402
from quarter_turn import (FRAME_SUPERSAMPLE, NO_CARD, QuarterTurnNet, card_aspect, card_crop, card_region,  # noqa: E402
                          detection_crop, export_onnx)
from train_data import load_dump, quads_in_input  # noqa: E402

MIN_DIAGONAL = 20    # input pixels: a smaller card shows no layout at 256x256
MIN_VISIBLE = 0.9    # a card mostly out of frame has lost the corner that would say which way up it is
SUPERSAMPLE = {'input': 1, 'frame': FRAME_SUPERSAMPLE}  # the input's card is about the canvas' size, a frame's is larger
VALIDATION_EVERY = 6
REJECT_THRESHOLDS = (0.5, 0.7, 0.9)  # p(no card) at which the app would drop a detection: rates reported at each
VALIDATION_NO_CARD_SEED = 20261208   # drawn validation no-card crops: a seed training never uses, the validation photographs and faces


def dump_cards(folder, source='input'):
    """[(image uint8 [h,w,3], quad in its pixels, frame aspect, scenario)] of a dump's
    cards: the image is the 256x256 model input (`source` 'input') or the card's region of the camera frame
    (`source` 'frame', the frame file the dump names)."""
    images, frames = load_dump(folder)
    cards = []
    for i, f in enumerate(frames):
        if f['negative']:
            continue
        frame = None
        for card, quad in zip(f['cards'], quads_in_input(f)):
            inside = (quad >= -2).all() and (quad <= 258).all()
            diagonal = float(np.linalg.norm(quad[2] - quad[0]))
            if not (card.get('visible', 1) >= MIN_VISIBLE and inside and diagonal >= MIN_DIAGONAL):
                continue
            if source == 'input':
                image, q = np.asarray(images[i]), quad
            else:
                frame = Image.open(f['path']).convert('RGB') if frame is None else frame
                image, q = card_region(frame, np.asarray(card['quad'], np.float32))
            cards.append((image, q, card_aspect(card['quad']), f['scenario']))
    return cards


def batch_of(cards, rng, jitter, supersample=1, geometry=0.0, occluded=0.0):
    """Crops turned by random quarter turns (labels), quads jittered by `jitter` of the card's diagonal or,
    with probability `geometry`, moved like a detection's (`detection_like`, its own aspect as the app
    takes it); with probability `occluded` something over a corner or edge (`occlude`)."""
    xs, ks = [], []
    for image, quad, aspect, _ in cards:
        if geometry and rng.random() < geometry:
            q = detection_like(quad, rng)
            aspect = card_aspect(q)
        else:
            q = quad + rng.normal(0, jitter * np.linalg.norm(quad[2] - quad[0]), (4, 2)) if jitter else quad
        k = int(rng.integers(4))
        crop = card_crop(image, q, aspect, supersample)
        if occluded and rng.random() < occluded:
            occlude(crop, aspect, rng)
        xs.append(np.rot90(crop, k).copy())
        ks.append(k)
    return torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous(), torch.tensor(ks)


def face_batch(n, rng, draw, geometry, occluded, jitter=0.02, turn=True):
    """`n` drawn faces (`draw(rng)` → upright PIL face) cut like cards, each turned by a random quarter turn
    (the label; `turn` False: upright, labels 0)."""
    xs, ks = [], []
    for _ in range(n):
        img = draw(rng)
        crop = face_crop(img, rng, geometry, jitter)
        if occluded and rng.random() < occluded:
            occlude(crop, img.width / img.height, rng)
        k = int(rng.integers(4)) if turn else 0
        xs.append(np.rot90(crop, k).copy())
        ks.append(k)
    return torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous(), torch.tensor(ks)


def no_card_batch(n, rng, pools, occluded=0.0):
    """`n` no-card crops (labels NO_CARD) drawn from `pools` {kind: [(crop uint8, aspect, kind, scene)]} by
    KIND_SHARE (kinds with an empty pool left out), each turned by a random quarter turn like a card's and,
    with probability `occluded`, something over it (a detection on a hand is not a card either)."""
    kinds = [k for k in KIND_SHARE if pools.get(k)]
    share = np.array([KIND_SHARE[k] for k in kinds])
    xs = []
    for _ in range(n):
        pool = pools[kinds[rng.choice(len(kinds), p=share / share.sum())]]
        crop, aspect, _, _ = pool[int(rng.integers(len(pool)))]
        crop = crop.astype(np.float32) / 255
        if occluded and rng.random() < occluded:
            occlude(crop, aspect, rng)
        xs.append(np.rot90(crop, int(rng.integers(4))).copy())
    return torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous(), torch.full((n,), NO_CARD)


def no_card_sets(data, source, card_scenes, held_cards, seed, pool, val_drawn, photos):
    """(training pools {kind: crops}, validation {kind: x}) of no-card crops: generator frames' quads (every
    dump frame; frames of held-apart scenes for validation) and drawn ones (`pool` for training from training
    `photos` and faces; `val_drawn` of each kind for validation from VALIDATION_NO_CARD_SEED, the held-apart
    photographs and validation faces). Scenes without cards are held apart every VALIDATION_EVERY-th too."""
    rng = np.random.default_rng([seed, NO_CARD])
    crops = []
    for d in data:
        images, frames = load_dump(d)
        crops += frame_no_cards(frames, rng, source, images)
    without_cards = sorted({c[3] for c in crops} - set(card_scenes))
    held = set(held_cards) | set(without_cards[::VALIDATION_EVERY])
    train_photos, val_photos = photo_split(photos)
    share = sum(KIND_SHARE[k] for k in DRAWN_KINDS)
    drawn = NoCardDrawer(seed * 7919 + 11, train_photos, card_face_image).crops(
        {k: round(pool * KIND_SHARE[k] / share) for k in DRAWN_KINDS})
    val = NoCardDrawer(VALIDATION_NO_CARD_SEED, val_photos, validation_face_image).crops(
        {k: val_drawn if k != 'pair' else val_drawn // 2 for k in DRAWN_KINDS})
    pools, val_sets = {}, {}
    for c in crops + drawn:
        if c[3] not in held:
            pools.setdefault(c[2], []).append(c)
    vrng = np.random.default_rng(VALIDATION_NO_CARD_SEED)
    for c in [c for c in crops if c[3] in held] + val:
        val_sets.setdefault(c[2], []).append(np.rot90(c[0].astype(np.float32) / 255, int(vrng.integers(4))).copy())
    return pools, {k: torch.from_numpy(np.stack(v)).permute(0, 3, 1, 2).contiguous() for k, v in val_sets.items()}


def validation_faces(n, seed=20261207, draw=validation_face_image):
    """The validation faces (card_faces_val.py: other layouts, fonts and words than training's) at each of
    their four quarter turns: {'clean': (x, y), 'hard': (x, y)}, hard = cut like a detection and occluded."""
    sets = {}
    for name, geometry, occluded in (('clean', 0.0, 0.0), ('hard', 1.0, 1.0)):
        rng = np.random.default_rng(seed)
        x, _ = face_batch(n, rng, draw, geometry, occluded, turn=False)
        sets[name] = (torch.cat([torch.rot90(x, k, (2, 3)) for k in range(4)]), torch.arange(4).repeat_interleave(n))
    return sets


def every_turn(cards, supersample=1):
    """Each card at each of its four quarter turns (exact rotations of one crop): (x, labels)."""
    upright = torch.from_numpy(np.stack([card_crop(im, q, a, supersample) for im, q, a, _ in cards])).permute(0, 3, 1, 2)
    return torch.cat([torch.rot90(upright, k, (2, 3)) for k in range(4)]), torch.arange(4).repeat_interleave(len(cards))


def photometric(x, gen):
    """Light, white balance, channel order (card colours the generator never used) and sensor noise."""
    n = x.shape[0]
    x = x * (0.6 + 0.8 * torch.rand(n, 1, 1, 1, generator=gen)) * (0.85 + 0.3 * torch.rand(n, 3, 1, 1, generator=gen))
    perm = torch.stack([torch.randperm(3, generator=gen) for _ in range(n)])
    x = torch.gather(x, 1, perm[:, :, None, None].expand_as(x))
    x = x + torch.randn(x.shape, generator=gen) * 0.04 * torch.rand(n, 1, 1, 1, generator=gen)
    return x.clamp(0, 1)


def logits_of(net, x):
    """The net's logits for crops x (eval mode, in chunks)."""
    net.eval()
    with torch.no_grad():
        out = torch.cat([net(x[s:s + 256]) for s in range(0, len(x), 256)])
    net.train()
    return out


def correct(net, x, y):
    """Whether each crop's quarter turn is told right: the largest of the four turn logits, as the app takes
    the turn of a detection it keeps."""
    return logits_of(net, x)[:, :4].argmax(1) == y


def accuracy(net, x, y):
    return correct(net, x, y).float().mean().item()


def rejected(logits):
    """{threshold: share of crops with p(no card) >= threshold} (all 0 for a 4-class net)."""
    if logits.shape[1] <= NO_CARD:
        return {t: 0.0 for t in REJECT_THRESHOLDS}
    p = torch.softmax(logits, 1)[:, NO_CARD]
    return {t: round((p >= t).float().mean().item(), 4) for t in REJECT_THRESHOLDS}


def validate(net, vx, vy, faces_val, no_card_val):
    """Turn accuracy on generator validation and validation faces, and the rejection rates of card crops
    (which lose a card) and of no-card crops (which drop a false detection), at REJECT_THRESHOLDS."""
    row, rates = {}, {}
    for name, (x, y) in {'validation': (vx, vy), **{f'faces_{k}': v for k, v in faces_val.items()}}.items():
        logits = logits_of(net, x)
        row[name] = round((logits[:, :4].argmax(1) == y).float().mean().item(), 4)
        rates[name] = rejected(logits)
    if no_card_val:
        rates['no_card'] = rejected(logits_of(net, torch.cat(list(no_card_val.values()))))
        rates.update({f'no_card_{k}': rejected(logits_of(net, x)) for k, x in no_card_val.items()})
    return {**row, 'rejected': rates}


def validation_line(row):
    """One printed line of `validate`'s figures."""
    r = row['rejected']
    ts = '/'.join(str(t) for t in REJECT_THRESHOLDS)
    line = f"generator-validation accuracy {row['validation']:.3f} " + ''.join(
        f"{k.replace('_', '-')} {v:.3f} " for k, v in row.items() if k.startswith('faces_'))
    if 'no_card' in r:
        line += f'| p(no card) >= {ts}: ' + ', '.join(
            f"{'generator-validation' if k == 'validation' else k.replace('_', '-')} " + '/'.join(f'{r[k][t]:.3f}' for t in REJECT_THRESHOLDS)
            for k in r if k in ('no_card', 'validation') or k.startswith('faces_')) + ' | no-card kinds at 0.5: ' + ', '.join(
            f"{k[8:]} {r[k][0.5]:.3f}" for k in r if k.startswith('no_card_')) + ' '
    return line


def score_detections(net, path, source):
    """Corner order of a model's matched detections as they are and after `upright_quad` with the net's
    class: a detection starting at the card's corner s is right after the roll when the class is s."""
    if source != 'frame':
        raise SystemExit(f'train_quarter_turn: --detections {path} needs --source frame (detections are in camera-frame pixels)')
    matched = json.loads(Path(path).read_text())['matched']
    crops, frame, frame_path = [], None, None
    for m in matched:
        if m['path'] != frame_path:
            frame, frame_path = Image.open(m['path']).convert('RGB'), m['path']
        crops.append(detection_crop(frame, m['quad']))
    x = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).contiguous()
    shift = torch.tensor([m['shift'] for m in matched])
    turned = correct(net, x, shift)
    before, after = (shift == 0).float().mean().item(), turned.float().mean().item()
    scenes = {}
    for m, r in zip(matched, turned.tolist()):
        scenes.setdefault(m['scenario'], []).append(r)
    per = {k: [len(v), round(sum(v) / len(v), 4)] for k, v in scenes.items()}
    print(f'{path}: {len(matched)} matched cards, corner order {before:.3f} as detected, {after:.3f} after the quarter turn; per scenario: '
          + ', '.join(f'{k} {v[1]:.3f} ({v[0]})' for k, v in per.items()), flush=True)
    return {'matched': len(matched), 'corner_order_detected': round(before, 4), 'corner_order_turned': round(after, 4), 'per_scenario': per}


def init_from(net, state):
    """Loads `state` into `net`; a classifier with fewer classes fills the first rows (the quarter turns) and
    leaves the rest as initialised."""
    own = net.state_dict()
    for k in ('classify.weight', 'classify.bias'):
        rows = state[k].shape[0]
        if rows < own[k].shape[0]:
            state[k] = torch.cat([state[k], own[k][rows:]])
    net.load_state_dict(state)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', required=True, action='append', help='folder written by dump-train.ts (repeatable)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--steps', type=int, default=2000)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--jitter', type=float, default=0.02, help="quad corner noise, share of the card's diagonal (a detection's error)")
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--source', choices=['input', 'frame'], default='input', help="crop from the 256x256 model input or from the camera frame")
    ap.add_argument('--report', action='append', default=[], help='dump to score at the end (never trained on)')
    ap.add_argument('--detections', action='append', default=[], help='matched detections (dump-detections.ts) to score at the end: corner order before and after')
    ap.add_argument('--load', help='quarter_turn.pt to score instead of training one')
    ap.add_argument('--init', help='quarter_turn.pt to start training from (a 4-class one gives a 5-class net its turn logits; the fifth starts fresh)')
    ap.add_argument('--faces', type=float, default=0.0, help='share of each batch drawn as card faces the generator does not make (card_faces.py)')
    ap.add_argument('--geometry', type=float, default=0.0, help='share of crops (cards and faces) cut by a quad moved like a detection (detection_quads.py)')
    ap.add_argument('--occlude', type=float, default=0.0, help='share of crops with something over a corner or edge (card_occluder.py)')
    ap.add_argument('--val-faces', type=int, default=240, help='validation faces (card_faces_val.py) scored every 250 steps, clean and hard')
    ap.add_argument('--reject', type=float, default=0.0, help='share of each batch that is no-card crops (no_card.py), class 4 of a 5-class net')
    ap.add_argument('--reject-pool', type=int, default=3000, help='drawn no-card crops (desks, sheets, pairs) made once for training')
    ap.add_argument('--val-no-card', type=int, default=300, help='drawn validation no-card crops of each kind (pairs: half), besides the held-apart scenes\' quads')
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cards = [c for d in args.data for c in dump_cards(d, args.source)]
    supersample = SUPERSAMPLE[args.source]
    scenes = sorted({c[3] for c in cards})
    held = set(scenes[::VALIDATION_EVERY])
    train = [c for c in cards if c[3] not in held]
    vx, vy = every_turn([c for c in cards if c[3] in held], supersample)
    faces_val = validation_faces(args.val_faces) if args.val_faces else {}
    loaded = torch.load(args.load) if args.load else None
    classes = loaded['classify.weight'].shape[0] if loaded else 5 if args.reject else 4
    net = QuarterTurnNet(classes=classes)
    pools, no_card_val = no_card_sets(args.data, args.source, scenes, held, args.seed, args.reject_pool, args.val_no_card,
                                      load_train_photos()) if classes > NO_CARD else ({}, {})
    print(f'{len(train)} training cards, {len(vy) // 4} generator-validation cards; '
          + (f"no-card crops: training {', '.join(f'{k} {len(v)}' for k, v in pools.items())}; validation "
             + f"{', '.join(f'{k} {len(v)}' for k, v in no_card_val.items())}; " if pools else '')
          + f'{sum(p.numel() for p in net.parameters())} parameters', flush=True)
    if args.init:
        init_from(net, torch.load(args.init))
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    start, log = time.time(), []
    if loaded:
        net.load_state_dict(loaded)
    for step in range(1, 0 if args.load else args.steps + 1):
        for g in opt.param_groups:
            g['lr'] = args.lr * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        n_reject = round(args.reject * args.batch)
        n_faces = round(args.faces * (args.batch - n_reject))
        x, k = batch_of([train[i] for i in rng.choice(len(train), args.batch - n_reject - n_faces)], rng, args.jitter, supersample,
                        args.geometry, args.occlude)
        if n_faces:
            fx, fk = face_batch(n_faces, rng, card_face_image, args.geometry, args.occlude, args.jitter)
            x, k = torch.cat([fx, x]), torch.cat([fk, k])
        if n_reject:
            nx, nk = no_card_batch(n_reject, rng, pools, args.occlude)
            x, k = torch.cat([x, nx]), torch.cat([k, nk])
        loss = F.cross_entropy(net(photometric(x, gen)), k)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 250 == 0 or step == args.steps:
            cpu = sum(os.times()[:2])
            log.append({'step': step, 'loss': round(loss.item(), 4), 'cpu_s': round(cpu), **validate(net, vx, vy, faces_val, no_card_val)})
            print(f"step {step} loss {loss.item():.3f} " + validation_line(log[-1]) + f'wall {time.time() - start:.0f}s cpu {cpu:.0f}s', flush=True)
    if not args.load:
        torch.save(net.state_dict(), out / 'quarter_turn.pt')
        export_onnx(net, out / 'quarter_turn.onnx')  # convert: rio-farm model convert quarter_turn.onnx quarter_turn.tflite
    reports = {}
    if args.load:
        reports['validation'] = validate(net, vx, vy, faces_val, no_card_val)
        print(f'{args.load}: ' + validation_line(reports['validation']), flush=True)
    for d in args.report:
        rc = dump_cards(d, args.source)
        rx, ry = every_turn(rc, supersample)
        right = correct(net, rx, ry).view(4, -1).float().mean(0)
        scenes = {c[3]: [] for c in rc}
        for c, r in zip(rc, right.tolist()):
            scenes[c[3]].append(r)
        reports[d] = {'cards': len(rc), 'accuracy': round(right.mean().item(), 4),
                      'per_scenario': {k: [len(v), round(sum(v) / len(v), 4)] for k, v in scenes.items()}}
        print(f"{d}: {len(rc)} cards, accuracy {reports[d]['accuracy']:.3f} over their four quarter turns; per scenario: "
              + ', '.join(f'{k} {v[1]:.3f} ({v[0]})' for k, v in reports[d]['per_scenario'].items()), flush=True)
    for d in args.detections:
        reports[d] = score_detections(net, d, args.source)
    (out / 'quarter_turn.json').write_text(json.dumps({'args': vars(args), 'log': log, 'reports': reports}, indent=2))


if __name__ == '__main__':
    main()
