"""Tests of heldout.py (run by heldout.spec.ts): truth quads land on the rendered card, in the card's own
corner order; frames are deterministic; the generator shares no code, fonts or photos with training."""
import re
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import heldout  # noqa: E402


def test_warp_puts_the_card_exactly_on_its_quad_in_its_own_corner_order():
    rng = np.random.default_rng(1)
    w, h = 700, 400
    card = Image.new('RGBA', (w, h), (0, 0, 255, 255))
    card.paste((255, 0, 0, 255), (0, 0, w // 2, h // 2))  # the card's own top-left quarter is red
    for trial in range(6):
        quad = heldout.project_card(rng, 1280, 720, w, h, rng.uniform(0.3, 0.7), (0.5, 0.5), rng.uniform(-180, 180), rng.uniform(0, 40))
        warped = np.asarray(heldout.warp_rgba(card, quad, 1280, 720), np.float32) / 255
        alpha = warped[..., 3]
        x, y = quad[:, 0], quad[:, 1]
        area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
        assert abs(alpha.sum() / area - 1) < 0.01, f'coverage {alpha.sum()} vs quad area {area}'
        ys, xs = np.mgrid[0:720, 0:1280]
        cx, cy = (alpha * (xs + 0.5)).sum() / alpha.sum(), (alpha * (ys + 0.5)).sum() / alpha.sum()
        # the centroid of a projected rectangle is not the mean of its corners; compare with the polygon's
        cross = x * np.roll(y, -1) - np.roll(x, -1) * y
        a6 = 3 * cross.sum()
        px, py = ((x + np.roll(x, -1)) * cross).sum() / a6, ((y + np.roll(y, -1)) * cross).sum() / a6
        assert abs(cx - px) < 0.3 and abs(cy - py) < 0.3, f'centroid {(cx, cy)} vs polygon {(px, py)}'
        # a point just inside corner 0 is red (the card's top-left), just inside corner 2 is blue
        c = quad.mean(0)
        for k, colour in ((0, 0), (2, 2)):
            p = quad[k] + (c - quad[k]) * 0.08
            pix = warped[int(p[1]), int(p[0]), :3]
            assert np.argmax(pix) == colour, f'trial {trial}: corner {k} pixel {pix}'
        # clockwise on screen (y down): positive cross product
        assert np.cross(quad[1] - quad[0], quad[2] - quad[1]) > 0


def test_frames_are_a_pure_function_of_seed_scenario_and_index(tmp=None):
    photos = [p for p in heldout.PHOTOS if p['use'] == 'heldout']
    a = heldout.render_frame(18, 'two-cards', 'two_cards', 'two', 3, heldout.DEFAULT_PHOTOS, photos)
    b = heldout.render_frame(18, 'two-cards', 'two_cards', 'two', 3, heldout.DEFAULT_PHOTOS, photos)
    c = heldout.render_frame(19, 'two-cards', 'two_cards', 'two', 3, heldout.DEFAULT_PHOTOS, photos)
    assert a[0] == b[0] and a[3] == b[3]
    assert a[0] != c[0]
    assert len(a[3]) == 2, 'two cards in a two-card frame'


def test_shares_no_code_fonts_or_photos_with_the_training_generator():
    src = (HERE / 'heldout.py').read_text()
    assert 'scenarios/generator' not in src.replace('shares nothing with scenarios/generator', '')
    assert not re.search(r'DejaVu|Noto', src), 'the training generator draws its cards in DejaVu and Noto Sans CJK'
    uses = {p['use'] for p in heldout.PHOTOS}
    assert uses == {'heldout', 'train'}
    empty = sum(n for _, c, n, _ in heldout.SCENARIOS if c == 'empty')
    total = sum(n for _, _, n, _ in heldout.SCENARIOS)
    assert 0.08 <= empty / total <= 0.15, f'{empty} of {total} frames are empty'


if __name__ == '__main__':
    tests = [v for k, v in list(globals().items()) if k.startswith('test_')]
    heldout.ensure_photos(heldout.DEFAULT_PHOTOS)
    for t in tests:
        t()
        print(f'ok {t.__name__}')
    print(f'{len(tests)} passed')
