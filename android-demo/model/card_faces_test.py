"""Tests of the drawn card faces, occluders and detection-like quads (card_faces.py, card_faces_val.py,
card_occluder.py, detection_quads.py): run by train.spec.ts (`/usr/bin/python3 card_faces_test.py`)."""
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
import card_faces  # noqa: E402
from card_faces_val import validation_face_image  # noqa: E402
from card_occluder import MAX_COVER, card_area, card_cover, occlude  # noqa: E402
from detection_quads import detection_like, face_crop  # noqa: E402
from face_fonts import CJK_TRAIN, LATIN_TRAIN, LATIN_VALIDATION, MissingFont, require  # noqa: E402
from quarter_turn import CROP, GREY, canvas_rect  # noqa: E402
from train_quarter_turn import face_batch, validation_faces  # noqa: E402


def marked_face(rng=None):
    """A 256x160 white face whose own top-left quarter is red."""
    img = Image.new('RGB', (256, 160), (255, 255, 255))
    ImageDraw.Draw(img).rectangle([0, 0, 127, 79], fill=(255, 0, 0))
    return img


def red_quadrant(crop):
    """Which canvas quarter (0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left) is reddest."""
    red = crop[..., 0] - crop[..., 1]
    h = CROP // 2
    return int(np.argmax([red[:h, :h].mean(), red[:h, h:].mean(), red[h:, h:].mean(), red[h:, :h].mean()]))


def test_a_missing_font_is_an_error_naming_its_debian_package():
    try:
        require({'fonts-nowhere': ['/nonexistent/Nowhere-Regular.ttf']})
        raise AssertionError('no error for a missing font')
    except MissingFont as e:
        assert 'fonts-nowhere' in str(e) and '/nonexistent/Nowhere-Regular.ttf' in str(e), str(e)
    saved = card_faces.LATIN_TRAIN
    card_faces.LATIN_TRAIN = {**saved, 'fonts-nowhere': ['/nonexistent/Nowhere-Regular.ttf']}
    try:
        card_faces.card_face_image(np.random.default_rng(0))
        raise AssertionError('a face was drawn without its font')
    except MissingFont as e:
        assert 'fonts-nowhere' in str(e)
    finally:
        card_faces.LATIN_TRAIN = saved


def test_training_and_validation_faces_share_no_font_and_use_none_of_the_held_out_suites():
    train, val = set(require(LATIN_TRAIN) + require(CJK_TRAIN)), set(require(LATIN_VALIDATION))
    assert train and val and not train & val
    assert not any(k in f.lower() for f in train | val for k in ('liberation', 'freefont', 'free', 'croscore', 'arimo', 'tinos'))


def test_an_occluder_lies_on_the_card_and_never_hides_more_than_its_cap():
    covers = []
    for seed in range(300):
        rng = np.random.default_rng(seed)
        aspect = [1.7, 0.6, 1.0][seed % 3]
        canvas = np.full((CROP, CROP, 3), GREY, np.float32)
        canvas[card_area(canvas_rect(aspect))] = 1.0  # a white card
        out = occlude(canvas.copy(), aspect, rng)
        changed = np.abs(out - canvas).max(2) > 1e-3
        assert not changed[~card_area(canvas_rect(aspect))].any(), f'seed {seed}: painted outside the card'
        covers.append(card_cover(changed.astype(float), canvas_rect(aspect)))
    covers = np.array(covers)
    assert covers.max() <= MAX_COVER + 0.01, f'hid {covers.max():.2f} of a card'
    assert (covers > 0.01).mean() > 0.95 and covers.mean() > 0.05, f'too little over the cards: mean {covers.mean():.3f}'


def test_detection_like_quads_move_the_outline_but_keep_most_of_the_card():
    quad = np.array([[100, 100], [356, 100], [356, 260], [100, 260]], np.float32)
    rng = np.random.default_rng(0)
    moved = np.array([detection_like(quad, rng) for _ in range(200)])
    shift = np.abs(moved - quad).max((1, 2)) / np.linalg.norm(quad[2] - quad[0])
    assert (shift > 0.03).mean() > 0.5, 'most quads move more than the plain 2% jitter'
    assert shift.max() < 0.4, f'a quad moved {shift.max():.2f} of the diagonal'


def test_faces_are_cut_upright_and_labelled_with_the_quarter_turn_that_makes_them():
    x, k = face_batch(24, np.random.default_rng(1), marked_face, geometry=0.5, occluded=0.0)
    for crop, turn in zip(x.permute(0, 2, 3, 1).numpy(), k.tolist()):
        # np.rot90 turns counter-clockwise: the top-left corner goes to the bottom-left, then bottom-right ...
        assert red_quadrant(crop) == [0, 3, 2, 1][turn], f'class {turn}'
    for name, (vx, vy) in validation_faces(3, draw=marked_face).items():
        for crop, turn in zip(vx.permute(0, 2, 3, 1).numpy(), vy.tolist()):
            assert red_quadrant(crop) == [0, 3, 2, 1][turn], f'validation {name}, class {turn}'


def test_a_face_cut_by_its_own_outline_is_the_face_laid_in_the_canvas():
    img = card_faces.card_face_image(np.random.default_rng(4))
    diff = np.abs(face_crop(img, np.random.default_rng(0), geometry=0.0, jitter=0.0) - card_faces.lay_in_canvas(img))
    assert diff.mean() < 0.03, diff.mean()


def test_validation_faces_are_drawn_in_every_layout_and_reproducible():
    faces = [validation_face_image(np.random.default_rng(s)) for s in range(20)]
    assert all(max(f.size) == CROP * 4 for f in faces)
    assert any(f.height > f.width for f in faces) and any(f.width > f.height for f in faces)
    assert len({np.asarray(f.reduce(8)).tobytes() for f in faces}) == 20
    assert np.array_equal(np.asarray(validation_face_image(np.random.default_rng(7))), np.asarray(faces[7]))


if __name__ == '__main__':
    from run_tests import run_tests
    run_tests(globals())
