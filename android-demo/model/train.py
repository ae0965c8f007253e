"""Trains RioNet on `train` frames (dumped by dump-train.ts) and exports it to ONNX (opset 13).

  /usr/bin/python3 android-demo/model/train.py --data .rio-farm/model/train-dump --out .rio-farm/model/run \
      --minutes 50
  /usr/bin/python3 android-demo/model/train.py --data DIR --out DIR --smoke     # a few steps, < 1 min

Training is time-boxed (the machine has two shared cores): the first part of the budget trains
on half-resolution inputs (4x cheaper; the net is fully convolutional and offsets are in units of
the input size, so targets just shrink), the rest at the contract's 256x256. The learning rate
follows a cosine over the time budget, a checkpoint is written every few minutes and at the end, progress goes to
`<out>/train.log`. Writes `<out>/rio.onnx`, `<out>/rio.pt` (state dict) and `<out>/train.json`.
"""
import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

# On a shared, oversubscribed machine OpenMP's spin-waiting makes 2 threads slower than 1
# (measured here: 20 s vs 1-3 s a step); passive waiting must be set before torch loads libgomp.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rio_net import RioNet, export_onnx, parameter_count  # noqa: E402
from train_data import build_targets, load_dump  # noqa: E402

CHECKPOINT_EVERY_S = 300
FLIP_CORNERS = [1, 0, 3, 2]  # mirrored card: TR,TL,BL,BR is again clockwise from the new top-left


def focal_loss(logits, target):
    """CenterNet's penalty-reduced focal loss on a point heatmap (card centres, card corners):
    (batch loss, per-frame losses)."""
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = target.ge(0.999).float()
    neg_weight = (1 - target) ** 4
    pos_loss = torch.log(p) * (1 - p) ** 2 * pos
    neg_loss = torch.log(1 - p) * p ** 2 * neg_weight * (1 - pos)
    per = -(pos_loss + neg_loss).sum((1, 2, 3))
    count = pos.sum((1, 2, 3))
    return per.sum() / count.sum().clamp(min=1), per / count.clamp(min=1)


def corner_loss(pred, target, weight, true_order_weight=0.25):
    """L1 on corner offsets near centres: best cyclic corner order, plus a pull toward the true order.

    Geometry is what crop IoU needs; the card's own corner order is learnt where the card's
    orientation is visible, without letting an ambiguous orientation blur the geometry.
    Returns (batch loss, per-frame losses)."""
    w = weight
    b, _, h, wd = pred.shape
    p = pred.view(b, 4, 2, h, wd)
    t = target.view(b, 4, 2, h, wd)
    true_l1 = ((pred - target).abs().sum(1, keepdim=True) * w).flatten(1).sum(1)
    per_shift = torch.stack([(p - torch.roll(t, k, dims=1)).abs().sum((1, 2)) for k in range(4)])
    best = (per_shift.min(0).values.unsqueeze(1) * w).flatten(1).sum(1)
    per = best + true_order_weight * true_l1
    denom = w.flatten(1).sum(1)
    return per.sum() / denom.sum().clamp(min=1), per / denom.clamp(min=1)


def orient_target(corners):
    """The card's own rightward direction at each cell, from the corner targets (so every geometric
    augmentation that moves the corners moves it too): (TR - TL) + (BR - BL), a unit vector in input
    pixels, [b,2,h,w]; zero where there is no card."""
    c = corners.view(corners.shape[0], 4, 2, *corners.shape[2:])
    v = (c[:, 1] - c[:, 0]) + (c[:, 2] - c[:, 3])
    return v / v.norm(dim=1, keepdim=True).clamp(min=1e-6)


def orient_loss(pred, corners, weight):
    """L1 between the predicted rightward vector and the card's, where corners are learnt (near
    centres): the post-processing reads it at the centre peak. (batch loss, per-frame losses)."""
    t = orient_target(corners)
    w = weight * (t.abs().sum(1, keepdim=True) > 0)
    per = ((pred - t).abs().sum(1, keepdim=True) * w).flatten(1).sum(1)
    denom = w.flatten(1).sum(1)
    return per.sum() / denom.sum().clamp(min=1), per / denom.clamp(min=1)


def mask_loss(logits, target):
    """BCE + dice on the card mask: (batch loss, per-frame losses)."""
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction='none').mean((1, 2, 3))
    p = torch.sigmoid(logits)
    inter = (p * target).sum((1, 2, 3))
    dice = 1 - (2 * inter + 1) / (p.sum((1, 2, 3)) + target.sum((1, 2, 3)) + 1)
    per = bce + dice
    return per.mean(), per


def augment(x, heat, corners, weight, mask, gen, flip_share=0.5):
    """Photometric jitter (light, contrast, white balance, gamma, noise) and horizontal mirror.

    A mirrored card reads backwards: its layout (logo left, name right) flips with it, which blurs what
    the orientation head learns, so a run that learns it mirrors fewer samples (`flip_share`)."""
    n = x.shape[0]
    rand = lambda *s: torch.rand(*s, generator=gen)  # noqa: E731
    gain = 0.6 + 0.8 * rand(n, 1, 1, 1)
    wb = 0.85 + 0.3 * rand(n, 3, 1, 1)
    gamma = torch.exp((rand(n, 1, 1, 1) - 0.5) * 0.8)
    contrast = 0.7 + 0.6 * rand(n, 1, 1, 1)
    mean = x.mean((1, 2, 3), keepdim=True)
    x = ((x - mean) * contrast + mean) * gain * wb
    x = x.clamp(0, 1) ** gamma
    x = x + torch.randn(x.shape, generator=gen) * (0.03 * rand(n, 1, 1, 1))
    x = x.clamp(0, 1)
    flip = rand(n) < flip_share
    if flip.any():
        i = flip.nonzero().squeeze(1)
        x[i] = x[i].flip(-1)
        heat[i], weight[i], mask[i] = heat[i].flip(-1), weight[i].flip(-1), mask[i].flip(-1)
        c = corners[i].flip(-1).view(-1, 4, 2, *corners.shape[2:])
        c = c[:, FLIP_CORNERS]
        c[:, :, 0] = -c[:, :, 0]
        corners[i] = c.reshape(-1, 8, *corners.shape[2:])
    return x, heat, corners, weight, mask


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', required=True, action='append', help='folder written by dump-train.ts (repeatable)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--minutes', type=float, default=50, help='training time budget')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--resume', help='checkpoint to continue from (weights, optimizer state, step count)')
    ap.add_argument('--init', help='state dict (rio.pt) to start from: weights only, fresh optimizer')
    ap.add_argument('--low-res-share', type=float, default=0.6, help='share of the budget trained at half resolution')
    ap.add_argument('--hard-share', type=float, default=0.0, help='share of each batch drawn by last loss (hard-example mining)')
    ap.add_argument('--domain-rand', type=float, default=0.0, help='share of samples domain-randomised (domain_rand.py): desks, shadows, white balance, sensor noise, blur, JPEG')
    ap.add_argument('--negative-share', type=float, default=0.12, help='of the randomised samples, the share turned into hard negatives (empty desks, paper)')
    ap.add_argument('--true-order-weight', type=float, default=0.25, help="weight of the corner L1 in the card's own order (next to the best cyclic order)")
    ap.add_argument('--orient-weight', type=float, default=1.0, help="weight of the orientation loss (the card's own rightward direction)")
    ap.add_argument('--flip-share', type=float, default=0.5, help='share of samples mirrored (mirrored cards read backwards)')
    ap.add_argument('--two-card-share', type=float, default=0.0, help="share of card samples given a second, overlapping card pasted from another sample of the batch")
    ap.add_argument('--smoke', action='store_true', help='a few steps on a few frames, to test the pipeline')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log_file = open(out / 'train.log', 'a', buffering=1)

    def log(msg):
        line = f'{time.strftime("%H:%M:%S")} {msg}'
        print(line, flush=True)
        log_file.write(line + '\n')

    dumps = [load_dump(d) for d in args.data]
    if args.smoke:
        dumps = [(images[:24], frames[:24]) for images, frames in dumps]
    frames = [f for _, fs in dumps for f in fs]
    images = np.concatenate([np.asarray(imgs) for imgs, _ in dumps])  # in RAM: ~0.2 MB a frame
    t0 = time.time()
    full_targets = [torch.from_numpy(a) for a in build_targets(frames)]
    low_targets = [torch.from_numpy(a) for a in build_targets(frames, 0.5)] if args.low_res_share > 0 else None
    log(f'{len(frames)} frames ({sum(f["negative"] for f in frames)} negative), targets in {time.time() - t0:.1f}s')

    # channels-last tensors let oneDNN run the depthwise convolutions ~2x faster on CPU (measured here)
    net = RioNet().to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    step = 0
    if args.resume:
        ck = torch.load(args.resume)
        net.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        step = ck['step']
    elif args.init:
        # an older model (no orientation head) starts everything else from its weights
        missing, unexpected = net.load_state_dict(torch.load(args.init), strict=False)
        if unexpected or any(not k.startswith('orient_head.') for k in missing):
            raise SystemExit(f'train: --init {args.init} does not fit RioNet (missing {missing}, unexpected {unexpected})')
        if missing:
            log(f'--init: {len(missing)} tensors of the orientation head start fresh')
    first_step = step
    log(f'RioNet {parameter_count(net)} parameters, batch {args.batch}, budget {args.minutes} min')
    budget_s = 20 if args.smoke else args.minutes * 60
    max_steps = 4 if args.smoke else 10 ** 9
    if args.smoke:
        args.batch = min(args.batch, 4)
    gen = torch.Generator().manual_seed(args.seed)
    randomize = None
    if args.domain_rand > 0 or args.two_card_share > 0:
        from domain_rand import DomainRandomizer
        randomize = DomainRandomizer(args.domain_rand, args.negative_share, torch.Generator().manual_seed(args.seed + 1),
                                     two_card=args.two_card_share)
        log(f'domain randomisation on {args.domain_rand:.0%} of samples ({len(randomize.photos)} training photos), negatives {args.negative_share:.0%} of those')
    order = []
    np_rng = np.random.default_rng(args.seed)
    frame_loss = np.zeros(len(frames), np.float64)
    seen = np.zeros(len(frames), bool)
    start = last_ck = time.time()
    running = None
    net.train()
    while step < max_steps:
        elapsed = time.time() - start
        if elapsed > budget_s:
            break
        lr = args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, elapsed / budget_s))))
        warm = min(1.0, (step + 1) / 100)
        for g in opt.param_groups:
            g['lr'] = lr * warm
        hard = min(args.batch - 1, int(round(args.hard_share * args.batch))) if seen.any() else 0
        if len(order) < args.batch - hard:
            order += random.sample(range(len(frames)), len(frames))
        idx, order = order[:args.batch - hard], order[args.batch - hard:]
        if hard:
            # Hard-example mining: part of each batch is drawn in proportion to each frame's loss at
            # its last visit (unvisited frames count as the hardest seen), so the rare hard scenes —
            # touching cards, a dark card on a dark phone in clutter — are revisited more often.
            w = np.where(seen, frame_loss, frame_loss[seen].max())
            w[idx] = 0
            idx = idx + [int(i) for i in np_rng.choice(len(frames), hard, replace=False, p=w / w.sum())]
        x = torch.from_numpy(np.stack([images[i] for i in idx])).permute(0, 3, 1, 2).float() / 255
        low = low_targets is not None and (step < max_steps // 2 if args.smoke else elapsed < args.low_res_share * budget_s)
        if low:
            x = F.avg_pool2d(x, 2)
        heat_t, corners_t, weight_t, mask_t = low_targets if low else full_targets
        batch = (x, heat_t[idx].clone(), corners_t[idx].float(), weight_t[idx].clone(), mask_t[idx].float())
        if randomize is not None:
            batch = randomize(*batch)
        x, heat, corners, weight, mask = augment(*batch, gen, args.flip_share)
        heat_logits, corner_pred, mask_logits, orient_pred = net(x.contiguous(memory_format=torch.channels_last))
        (lh, ph), (lc, pc) = focal_loss(heat_logits, heat), corner_loss(corner_pred, corners, weight, args.true_order_weight)
        (lm, pm), (lp, pp) = mask_loss(mask_logits[:, :1], mask[:, :1]), focal_loss(mask_logits[:, 1:], mask[:, 1:])
        lo, po = orient_loss(orient_pred, corners, weight)
        loss = lh + 5 * lc + lm + lp + args.orient_weight * lo
        frame_loss[idx] = (ph + 5 * pc + pm + pp + args.orient_weight * po).detach().numpy()
        seen[idx] = True
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        step += 1
        parts = np.array([loss.item(), lh.item(), lc.item(), lm.item(), lp.item(), lo.item()])
        running = parts if running is None else 0.95 * running + 0.05 * parts
        if step % 25 == 0 or args.smoke:
            log(f'step {step} {"half" if low else "full"} t={elapsed:.0f}s lr={lr * warm:.2e} loss={running[0]:.4f} heat={running[1]:.4f} '
                f'corners={running[2]:.4f} mask={running[3]:.4f} points={running[4]:.4f} orient={running[5]:.4f} ({elapsed / max(step - first_step, 1):.2f}s/step)')
        if time.time() - last_ck > CHECKPOINT_EVERY_S:
            torch.save({'model': net.state_dict(), 'opt': opt.state_dict(), 'step': step}, out / 'checkpoint.pt')
            last_ck = time.time()
            log(f'checkpoint at step {step}')
    torch.save({'model': net.state_dict(), 'opt': opt.state_dict(), 'step': step}, out / 'checkpoint.pt')
    net = net.to(memory_format=torch.contiguous_format)
    torch.save(net.state_dict(), out / 'rio.pt')
    export_onnx(net, out / 'rio.onnx')
    summary = {'steps': step, 'seconds': round(time.time() - start), 'frames': len(frames), 'parameters': parameter_count(net),
               'final_loss': None if running is None else [round(float(v), 5) for v in running], 'args': vars(args)}
    (out / 'train.json').write_text(json.dumps(summary, indent=2))
    log(f'done: {step} steps, exported {out / "rio.onnx"}')


if __name__ == '__main__':
    main()
