"""Tests of domain_rand.py, run by train.spec.ts (`/usr/bin/python3 android-demo/model/domain_rand_test.py`)."""
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import domain_rand  # noqa: E402
from domain_rand import DomainRandomizer  # noqa: E402


def batch(n=8, size=64):
    x = torch.full((n, 3, size, size), 0.5)
    mask = torch.zeros(n, 2, size // 2, size // 2)
    mask[:, 0, 8:24, 8:24] = 1  # a card in the middle
    x[:, :, 16:48, 16:48] = torch.tensor([0.9, 0.1, 0.1]).view(3, 1, 1)
    heat = torch.zeros(n, 1, size // 4, size // 4)
    heat[:, 0, 8, 8] = 1
    return x, heat, torch.ones(n, 8, size // 4, size // 4), heat.clone(), mask


def test_training_photos_are_never_the_heldout_ones():
    entries = json.loads(domain_rand.PHOTOS_JSON.read_text())
    held = {(p['package'], p['path']) for p in entries if p['use'] == 'heldout'}
    train = {(p['package'], p['path']) for p in domain_rand.train_photo_entries()}
    assert train and held and not (train & held)
    assert not ({p for p, _ in train} & {p for p, _ in held}), 'training and held-out photos come from different packages'


def test_background_replacement_keeps_the_card_and_changes_the_desk():
    gen = torch.Generator().manual_seed(3)
    dr = DomainRandomizer(1.0, 0.0, gen, photos=[torch.rand(3, 80, 120)])
    # only the desk step: no light, sensor, blur or codec randomisation
    for name in ('shadow', 'white_balance', 'vignette', 'sensor_noise', 'gaussian_blur', 'motion_blur', 'jpeg'):
        setattr(dr, name, lambda img, *a: img)
    x, heat, corners, weight, mask = batch(64)
    y, heat2, _, _, mask2 = dr(x, heat.clone(), corners, weight, mask.clone())
    inner = (slice(None), slice(None), slice(20, 44), slice(20, 44))
    assert torch.allclose(y[inner], x[inner]), 'card pixels are kept'
    changed = (y[:, :, :8, :8] - x[:, :, :8, :8]).abs().amax((1, 2, 3)) > 1e-3
    assert 0.5 < changed.float().mean() < 0.9, f'the desk is replaced in ~70% of the samples: {changed.float().mean()}'
    assert torch.equal(heat2, heat) and torch.equal(mask2, mask), 'targets unchanged without negatives'


def test_hard_negatives_zero_every_target():
    gen = torch.Generator().manual_seed(4)
    dr = DomainRandomizer(1.0, 1.0, gen, photos=[])
    x, heat, corners, weight, mask = batch()
    y, heat2, corners2, weight2, mask2 = dr(x, heat, corners, weight, mask)
    assert heat2.abs().sum() == 0 and corners2.abs().sum() == 0 and weight2.abs().sum() == 0 and mask2.abs().sum() == 0
    assert not torch.allclose(y[:, :, 20:44, 20:44], x[:, :, 20:44, 20:44]), 'the card is gone'


def test_sensor_noise_grows_with_the_signal_and_at_high_iso():
    gen = torch.Generator().manual_seed(5)
    dr = DomainRandomizer(1.0, 0.0, gen, photos=[])
    dr.gaussian_blur = lambda img, s: img
    dark, bright = torch.full((3, 64, 64), 0.1), torch.full((3, 64, 64), 0.6)
    lo_iso = []
    for _ in range(20):
        nd, nb = dr.sensor_noise(dark), dr.sensor_noise(bright)
        lo_iso.append(((nb ** 2.2).std() / (nd ** 2.2).std()).item())
    assert sorted(lo_iso)[10] > 1.5, f'shot noise in linear light grows with the signal: {sorted(lo_iso)[10]}'


def test_reproducible_from_the_seed():
    outs = []
    for _ in range(2):
        dr = DomainRandomizer(1.0, 0.2, torch.Generator().manual_seed(7), photos=[torch.rand(3, 80, 120, generator=torch.Generator().manual_seed(1))])
        outs.append(dr(*batch())[0])
    assert torch.equal(outs[0], outs[1])


def card_sample(size, x0, y0, side):
    """One sample with a square card at input pixels (x0, y0), `side` wide: image, heat, corners, weight, mask."""
    x = torch.full((3, size, size), 0.3)
    x[:, y0:y0 + side, x0:x0 + side] = 0.9
    mask = torch.zeros(2, size // 2, size // 2)
    mask[0, y0 // 2:(y0 + side) // 2, x0 // 2:(x0 + side) // 2] = 1
    heat = torch.zeros(1, size // 4, size // 4)
    cy, cx = (y0 + side // 2) // 4, (x0 + side // 2) // 4
    heat[0, cy, cx] = 1
    heat[0, cy, cx + 1] = 0.5
    corners = torch.zeros(8, size // 4, size // 4)
    corners[:, cy, cx] = torch.arange(1, 9, dtype=torch.float32) / 100 * (1 if x0 < size // 2 else -1)
    return x, heat, corners, heat.clone(), mask


def test_a_pasted_second_card_overlaps_without_hiding_the_first_and_keeps_both_targets():
    size = 128
    a, b = card_sample(size, 16, 16, 40), card_sample(size, 72, 72, 40)
    x, heat, corners, weight, mask = (torch.stack([p, q]) for p, q in zip(a, b))
    dr = DomainRandomizer(0.0, 0.0, torch.Generator().manual_seed(11), photos=[], two_card=1.0)
    pasted = 0
    for _ in range(20):
        xs, hs, cs, ws, ms = x.clone(), heat.clone(), corners.clone(), weight.clone(), mask.clone()
        if not dr.paste_card(xs, hs, cs, ws, ms, 0, 1):
            continue
        pasted += 1
        peaks = (hs[0, 0] >= 0.999).nonzero().tolist()
        assert len(peaks) == 2 and [9, 9] in peaks, f'both centres are positives: {peaks}'
        assert torch.equal(cs[0, :, 9, 9], corners[0, :, 9, 9]), "the first card's regression is kept at its centre"
        (py, px), = [p for p in peaks if p != [9, 9]]
        assert torch.equal(cs[0, :, py, px], corners[1, :, 23, 23]), "the pasted card's regression moves with it"
        assert ms[0, 0].sum() > mask[0, 0].sum(), 'the mask covers both cards'
        assert xs[0, :, 36, 36].allclose(torch.tensor(0.9)), 'the first card\'s centre stays visible'
    assert pasted >= 5, f'most draws find a shift: {pasted}/20'


def test_orientation_target_is_the_cards_own_rightward_direction_and_follows_a_mirror():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from train import augment, orient_target
    # a card turned a quarter clockwise: its top-left is at the image top-right, its right points down
    quad = torch.tensor([[0.2, -0.1], [0.2, 0.1], [-0.2, 0.1], [-0.2, -0.1]])
    corners = quad.reshape(8, 1, 1).expand(8, 4, 4).reshape(1, 8, 4, 4).clone()
    t = orient_target(corners)
    assert torch.allclose(t[0, :, 1, 1], torch.tensor([0.0, 1.0])), t[0, :, 1, 1]
    # mirrored: the corner order is remapped (TR first), the direction is still "right as the card reads"
    x = torch.zeros(1, 3, 16, 16)
    z = torch.zeros(1, 1, 4, 4)
    _, _, flipped, _, _ = augment(x, z.clone(), corners.clone(), z.clone(), torch.zeros(1, 2, 8, 8), torch.Generator().manual_seed(0), flip_share=1.0)
    assert torch.allclose(orient_target(flipped)[0, :, 1, 1], torch.tensor([0.0, -1.0])), orient_target(flipped)[0, :, 1, 1]


if __name__ == '__main__':
    from run_tests import run_tests
    run_tests(globals())
