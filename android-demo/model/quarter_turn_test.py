"""Tests of quarter_turn.py: run by train.spec.ts (`/usr/bin/python3 quarter_turn_test.py`)."""
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quarter_turn import CROP, GREY, QuarterTurnNet, card_aspect, card_crop, upright_quad  # noqa: E402
from train_quarter_turn import card_region, every_turn  # noqa: E402

# A 90x50 card rolled by 30 degrees in a 256x256 image, clockwise from its own top-left.
ANGLE = np.radians(30)
RIGHT, DOWN = np.array([np.cos(ANGLE), np.sin(ANGLE)]), np.array([-np.sin(ANGLE), np.cos(ANGLE)])
CENTRE = np.array([128.0, 120.0])
QUAD = np.array([CENTRE + sx * 45 * RIGHT + sy * 25 * DOWN for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))])


def card_image():
    """The card white, its own top-left quarter red, on a dark desk."""
    img = Image.new('RGB', (256, 256), (30, 40, 30))
    d = ImageDraw.Draw(img)
    d.polygon([tuple(p) for p in QUAD], fill=(255, 255, 255))
    tl_quarter = [QUAD[0], (QUAD[0] + QUAD[1]) / 2, CENTRE, (QUAD[0] + QUAD[3]) / 2]
    d.polygon([tuple(p) for p in tl_quarter], fill=(255, 0, 0))
    return np.asarray(img)


def test_the_crop_is_the_card_upright_with_its_own_top_left_at_the_top_left():
    crop = card_crop(card_image(), QUAD, card_aspect(QUAD))
    assert crop.shape == (CROP, CROP, 3)
    h = CROP * 50 / 90  # the card keeps its 90x50 shape, centred
    y0 = (CROP - h) / 2
    red = (crop[..., 0] > 0.8) & (crop[..., 1] < 0.2)
    ys, xs = np.nonzero(red)
    assert xs.max() < CROP / 2 + 2 and ys.min() >= y0 - 1 and ys.max() < CROP / 2 + 2, 'red fills the card\'s top-left quarter only'
    assert red[int(y0) + 3:int(CROP / 2) - 2, 3:CROP // 2 - 2].all()
    assert np.allclose(crop[:int(y0) - 1], GREY), 'grey above the card'


def test_a_quad_rolled_by_k_crops_to_the_upright_crop_turned_k_quarters():
    img = card_image()
    upright = card_crop(img, QUAD, card_aspect(QUAD))
    for k in range(4):
        rolled = np.roll(QUAD, -k, axis=0)  # corner 0 is the card's corner k
        crop = card_crop(img, rolled, card_aspect(rolled))
        diff = np.abs(crop - np.rot90(upright, k))
        assert diff.mean() < 0.01 and np.quantile(diff, 0.99) < 0.1, f'k={k}: mean {diff.mean():.4f}'
        assert np.allclose(upright_quad(list(rolled), k), QUAD), f'k={k}: rolled back to the card\'s own order'


def test_every_turn_labels_each_rotation_as_the_rolled_quad_that_makes_it():
    img = card_image()
    x, y = every_turn([(img, QUAD, card_aspect(QUAD), 's')])
    assert y.tolist() == [0, 1, 2, 3]
    for k in range(4):
        rolled = np.roll(QUAD, -k, axis=0)
        crop = torch.from_numpy(card_crop(img, rolled, card_aspect(rolled))).permute(2, 0, 1)
        assert (x[k] - crop).abs().mean() < 0.01, f'class {k} is the crop of a quad started at the card\'s corner {k}'


def test_a_card_cut_from_a_large_frame_crops_like_the_whole_frame():
    # the card 5x larger in a camera frame: its region is kept smaller, the canvas is the same
    big = Image.fromarray(card_image()).resize((1280, 1280), Image.BILINEAR)
    quad = QUAD * 5
    whole = card_crop(np.asarray(big), quad, card_aspect(quad), supersample=4)
    region, q = card_region(big, quad.astype(np.float32))
    assert max(region.shape[:2]) < 400, f'the region is scaled down: {region.shape}'
    diff = np.abs(card_crop(region, q, card_aspect(q), supersample=4) - whole)
    assert diff.mean() < 0.02, diff.mean()
    red = whole[..., 0] - whole[..., 1]
    assert red[:CROP // 2, :CROP // 2].mean() > 0.3 > red[CROP // 2:, CROP // 2:].mean(), 'still its top-left quarter at the top-left'


def test_card_faces_are_laid_in_the_canvas_as_crops_are_and_reproducible():
    from card_faces import card_face
    faces = [card_face(np.random.default_rng(s)) for s in range(12)]
    for f in faces:
        assert f.shape == (CROP, CROP, 3)
        card = np.abs(f - GREY).max(2) > 1e-3
        ys, xs = np.nonzero(card)
        assert max(xs.ptp(), ys.ptp()) >= CROP - 2, 'the longer side fills the canvas'
        assert abs((xs.min() + xs.max()) / 2 - CROP / 2) < 2 and abs((ys.min() + ys.max()) / 2 - CROP / 2) < 2, 'centred'
    assert any(np.nonzero(np.abs(f - GREY).max(2) > 1e-3)[0].ptp() > np.nonzero(np.abs(f - GREY).max(2) > 1e-3)[1].ptp() for f in faces), 'some portrait'
    assert np.array_equal(card_face(np.random.default_rng(3)), faces[3])


def test_the_net_gives_four_logits_per_crop_and_five_with_the_no_card_class():
    assert QuarterTurnNet()(torch.rand(2, 3, CROP, CROP)).shape == (2, 4)
    assert QuarterTurnNet(classes=5)(torch.rand(2, 3, CROP, CROP)).shape == (2, 5)
    released = torch.load(Path(__file__).resolve().parent / 'release' / 'quarter_turn.pt')
    QuarterTurnNet().load_state_dict(released)  # the default net is still the released one's


if __name__ == '__main__':
    from run_tests import run_tests
    run_tests(globals())
