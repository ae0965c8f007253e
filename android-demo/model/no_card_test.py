"""Tests of the no-card crops (no_card.py) and their batches and split (train_quarter_turn.py --reject): run by
train.spec.ts (`/usr/bin/python3 no_card_test.py`)."""
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from card_faces import card_face_image  # noqa: E402
from detection_quads import face_crop  # noqa: E402
from no_card import (AWAY_IOU, PART_IOU, PART_MIN_COVER, SPAN_IOU, SPAN_MIN_INSIDE, NoCardDrawer, area, frame_no_cards,  # noqa: E402
                     frame_quads, overlap, photo_split, quad_iou)
from quarter_turn import CROP, GREY, NO_CARD, canvas_rect  # noqa: E402
from train_quarter_turn import no_card_batch, no_card_sets  # noqa: E402

W, H = 640, 360


def card(cx, cy, longer, angle, aspect=1.7):
    """A card's truth quad, clockwise from its own top-left."""
    a = np.radians(angle)
    u, v = np.array([np.cos(a), np.sin(a)]) * longer / 2, np.array([-np.sin(a), np.cos(a)]) * longer / aspect / 2
    c = np.array([cx, cy], float)
    return np.array([c - u - v, c + u - v, c + u + v, c - u + v])


TWO_CARDS = [card(200, 170, 180, 20), card(430, 200, 170, -10)]


def frame_file(folder, name, cards, desk):
    """A W x H frame on a plain `desk` colour with white cards, saved as PNG: its dump index entry."""
    img = Image.new('RGB', (W, H), desk)
    for c in cards:
        ImageDraw.Draw(img).polygon([tuple(p) for p in c], fill=(250, 250, 250))
    path = Path(folder) / f'{name}.png'
    img.save(path)
    return {'scenario': name, 'path': str(path), 'width': W, 'height': H, 'negative': not cards,
            'cards': [{'quad': c.tolist(), 'visible': 1.0} for c in cards]}


def test_quad_iou_is_exact():
    sq = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], float)
    assert abs(quad_iou(sq + [5, 0], sq) - 1 / 3) < 1e-9
    assert quad_iou(sq + [20, 0], sq) == 0 and abs(quad_iou(sq, sq) - 1) < 1e-9
    assert abs(quad_iou(sq[::-1] * 0.5 + 2, sq) - 0.25) < 1e-9, 'either winding; a quad inside: the area ratio'
    diamond = np.array([[5, 0], [10, 5], [5, 10], [0, 5]], float)
    assert abs(quad_iou(diamond, sq) - 0.5) < 1e-9 and abs(overlap(sq, diamond) - 50) < 1e-9
    assert abs(area(TWO_CARDS[0]) - 180 * 180 / 1.7) < 1e-6


def test_frame_quads_keep_their_iou_bounds():
    rng = np.random.default_rng(2)
    seen = {'away': 0, 'part': 0, 'span': 0}
    for cards in (TWO_CARDS, TWO_CARDS[:1], []):
        for _ in range(150):
            for kind, q in frame_quads(cards, W, H, rng):
                seen[kind] += 1
                slack = 0.01 * W if kind == 'span' else 0
                assert (q >= -slack).all() and (q[:, 0] <= W + slack).all() and (q[:, 1] <= H + slack).all(), f'{kind} inside the frame'
                ious = [quad_iou(q, c) for c in cards]
                if kind == 'away':
                    assert all(i < AWAY_IOU for i in ious), f'away {ious}'
                elif kind == 'part':
                    assert all(i <= PART_IOU for i in ious), f'part {ious}'
                    assert max(overlap(q, c) for c in cards) >= PART_MIN_COVER * area(q), 'part of a card is in it'
                else:
                    assert len(cards) == 2 and all(i <= SPAN_IOU for i in ious), f'span {ious}'
                    assert all(overlap(c, q) >= SPAN_MIN_INSIDE * area(c) for c in cards), 'both cards in it'
    assert seen['away'] >= 400 and seen['part'] >= 250 and seen['span'] >= 100, f'each kind is found: {seen}'


def drawer(seed=4):
    return NoCardDrawer(seed, [torch.rand(3, 300, 400, generator=torch.Generator().manual_seed(seed))], card_face_image)


def assert_canvas(crop, aspect, what):
    assert crop.shape == (CROP, CROP, 3) and crop.dtype == np.uint8, f'{what}: {crop.shape} {crop.dtype}'
    x0, y0, w, h = canvas_rect(aspect)
    ys, xs = np.mgrid[0:CROP, 0:CROP] + 0.5
    outside = (xs < x0) | (xs > x0 + w) | (ys < y0) | (ys > y0 + h)
    assert (crop[outside] == round(GREY * 255)).all(), f'{what}: grey around the quad as around a card'


def test_crops_have_the_canvas_shape_and_range():
    for crop, aspect, kind, scene in drawer().crops({'desk': 6, 'sheet': 6, 'pair': 6}):
        assert scene == 'drawn'
        assert_canvas(crop, aspect, kind)
        assert np.abs(crop.astype(int) - 128).max() > 10, f'{kind}: something is in the crop'
    with tempfile.TemporaryDirectory() as tmp:
        frames = [frame_file(tmp, 's0', TWO_CARDS, (90, 60, 30)), frame_file(tmp, 's1', [], (30, 60, 90))]
        crops = frame_no_cards(frames, np.random.default_rng(0))
        assert {k for _, _, k, _ in crops} <= {'away', 'part', 'span'} and len(crops) >= 3
        for crop, aspect, kind, scene in crops:
            assert_canvas(crop, aspect, f'{scene} {kind}')
        x, y = no_card_batch(12, np.random.default_rng(1), {'away': crops}, occluded=0.5)
        assert x.shape == (12, 3, CROP, CROP) and x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1


def sheet_marks(crop, aspect):
    """What of a crop's quad area would be a mark on paper: (largest chromaticity change, darkest pixel as a
    share of the brightest, mean step between neighbours), 2 pixels in from the quad's edges."""
    x0, y0, w, h = canvas_rect(aspect)
    inner = crop[int(np.ceil(y0)) + 2:int(y0 + h) - 2, int(np.ceil(x0)) + 2:int(x0 + w) - 2].astype(np.float64) / 255
    level = inner.sum(2)
    chroma = inner / level[..., None]
    step = (np.abs(np.diff(inner, axis=0)).mean() + np.abs(np.diff(inner, axis=1)).mean()) / 2
    return np.abs(chroma - np.median(chroma, axis=(0, 1))).max(), level.min() / level.max(), step


def test_sheets_have_no_marks():
    d = drawer(6)
    for _ in range(30):
        crop, aspect = d.sheet_crop('fill', noise=False)
        chroma, dark, step = sheet_marks(np.round(crop * 255).astype(np.uint8), aspect)
        assert chroma < 0.02, f'one paper colour: chromaticity moves by {chroma:.3f}'
        assert dark > 0.45, f'no ink: darkest {dark:.2f} of the brightest'
        assert step < 0.012, f'only shading: mean neighbour step {step:.4f}'
    # a printed face fails the same checks: they see marks
    rng = np.random.default_rng(1)
    failed = 0
    for _ in range(10):
        img = card_face_image(rng)
        chroma, dark, step = sheet_marks(np.round(face_crop(img, rng, 0.0, 0.0) * 255).astype(np.uint8), img.width / img.height)
        failed += chroma >= 0.02 or dark <= 0.45 or step >= 0.012
    assert failed == 10, f'{failed}/10 faces seen as marked'


def test_no_card_batches_are_labelled_no_card_and_turned_like_cards():
    rng = np.random.default_rng(3)
    pool = [(np.full((CROP, CROP, 3), 128, np.uint8), 1.0, 'desk', 'drawn') for _ in range(3)]
    marked = pool[0][0].copy()
    marked[:8, :8] = 255  # a mark in the top-left corner shows the turn
    pools = {'desk': [(marked, 1.0, 'desk', 'drawn')], 'sheet': pool}
    x, y = no_card_batch(200, rng, pools)
    assert (y == NO_CARD).all() and NO_CARD == 4
    corners = x[:, 0, [4, 4, -4, -4], [4, -4, -4, 4]] > 0.9
    marked_ones = corners.any(1)
    assert (corners.sum(1)[marked_ones] == 1).all() and len(set(corners[marked_ones].int().argmax(1).tolist())) == 4, 'every turn'
    share = marked_ones.float().mean().item()
    assert 0.4 < share < 0.6, f'desk and sheet drawn by their equal KIND_SHARE: {share}'


def test_validation_no_card_crops_come_from_held_apart_scenes_and_photographs():
    assert photo_split(list(range(11))) == ([0, 1, 2, 3, 5, 6, 7, 8, 10], [4, 9])
    with tempfile.TemporaryDirectory() as tmp:
        frames = [frame_file(tmp, f'scene-{i:02}', TWO_CARDS if i % 2 else [], (20 * i, 255 - 20 * i, 100)) for i in range(12)]
        (Path(tmp) / 'index.json').write_text(json.dumps({'frames': frames}))
        np.zeros((12, 256, 256, 3), np.uint8).tofile(Path(tmp) / 'images.u8')
        card_scenes = [f['scenario'] for f in frames if f['cards']]
        held = {card_scenes[0]}
        pools, val = no_card_sets([tmp], 'frame', card_scenes, held, seed=1, pool=10, val_drawn=4, photos=[torch.rand(3, 50, 80)] * 11)
    train_scenes = {c[3] for v in pools.values() for c in v}
    without_cards = sorted({f['scenario'] for f in frames} - set(card_scenes))
    assert held | {without_cards[0]} == {f['scenario'] for f in frames} - train_scenes - {'drawn'}, 'held-apart scenes never train'
    assert {k: len(pools[k]) for k in ('desk', 'sheet', 'pair')} == {'desk': 4, 'sheet': 4, 'pair': 2}, 'drawn pool by KIND_SHARE'
    assert {k: len(val[k]) for k in ('desk', 'sheet', 'pair')} == {'desk': 4, 'sheet': 4, 'pair': 2}
    away = val['away'].permute(0, 2, 3, 1).reshape(len(val['away']), -1, 3).numpy()
    held_desks = {(20 * i, 255 - 20 * i, 100) for i, f in enumerate(frames) if f['scenario'] in held | {without_cards[0]}}
    for a in away:
        desk = tuple(np.round(np.median(a[np.abs(a - 0.5).max(1) > 0.01], 0) * 255).astype(int))
        assert min(np.abs(np.array(desk) - np.array(h)).max() for h in held_desks) <= 2, f'away crop of a held scene: {desk}'


if __name__ == '__main__':
    from run_tests import run_tests
    run_tests(globals())
