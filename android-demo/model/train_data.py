"""Training frames and their targets.

Reads a dump written by dump-train.ts: `images.u8` (N x 256 x 256 x 3 uint8, already preprocessed
by the app's own C++ core, so training sees exactly what the app feeds the model) and `index.json`
(per frame: frame size, negative flag, card quads in frame pixels, clockwise from the card's own
top-left). Builds the three targets of model-io.json:
  heat    gaussian at each card centre (mean of its corners), 64x64
  corners offsets from each cell centre to the four corners / input size, at cells near a centre
  mask    channel 0: fraction of each 128x128 mask pixel covered by a card (rendered 4x supersampled);
          channel 1: a small gaussian at every card corner (1.0 at the pixel holding it)
"""
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from rio_net import HEAT_STRIDE, INPUT_H, INPUT_W, MASK_STRIDE

HEAT_H, HEAT_W = INPUT_H // HEAT_STRIDE, INPUT_W // HEAT_STRIDE
MASK_H, MASK_W = INPUT_H // MASK_STRIDE, INPUT_W // MASK_STRIDE
SUPERSAMPLE = 4
# Corner offsets are learnt at cells whose centre-heat target is at least this (a few cells
# around each centre): the decoder reads offsets at the heat peak, which can land a cell off.
REGRESSION_HEAT = 0.4


def load_dump(folder):
    folder = Path(folder)
    index = json.loads((folder / 'index.json').read_text())
    frames = index['frames']
    images = np.memmap(folder / 'images.u8', dtype=np.uint8, mode='r', shape=(len(frames), INPUT_H, INPUT_W, 3))
    return images, frames


def quads_in_input(frame, scale=1.0):
    """Card quads scaled from frame pixels to the stretched input (256x256 at scale 1)."""
    sx, sy = INPUT_W * scale / frame['width'], INPUT_H * scale / frame['height']
    return [np.array([[x * sx, y * sy] for x, y in c['quad']], dtype=np.float32) for c in frame['cards']]


def point_sigma(quad, stride, share, lo, hi):
    """Gaussian radius in grid cells of `stride`: `share` of the card's shorter side, within [lo, hi]."""
    w = np.linalg.norm(quad[1] - quad[0]) / stride
    h = np.linalg.norm(quad[3] - quad[0]) / stride
    return float(np.clip(share * min(w, h), lo, hi))


def point_gaussian(xs, ys, px, py, sigma):
    """A gaussian around point (px, py) on a grid (cell centres at i + 0.5), exactly 1.0 on the cell
    holding the point when it is on the grid: the focal loss's one positive per point."""
    g = np.exp(-((xs + 0.5 - px) ** 2 + (ys + 0.5 - py) ** 2) / (2 * sigma * sigma))
    if 0 <= px < g.shape[1] and 0 <= py < g.shape[0]:
        g[int(py), int(px)] = 1.0
    return g


def targets(frame, scale=1.0):
    """(heat [64,64], corners [8,64,64], regression weight [64,64], mask [2,128,128]) float32.

    `scale` < 1 builds them for a smaller input (the cheap first phase of training): grids shrink,
    corner offsets stay in units of the input size and so keep their values."""
    heat_h, heat_w, mask_h, mask_w = (int(v * scale) for v in (HEAT_H, HEAT_W, MASK_H, MASK_W))
    in_h, in_w = INPUT_H * scale, INPUT_W * scale
    heat = np.zeros((heat_h, heat_w), np.float32)
    corners = np.zeros((8, heat_h, heat_w), np.float32)
    weight = np.zeros((heat_h, heat_w), np.float32)
    canvas = Image.new('L', (mask_w * SUPERSAMPLE, mask_h * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(canvas)
    ys, xs = np.mgrid[0:heat_h, 0:heat_w].astype(np.float32)
    mys, mxs = np.mgrid[0:mask_h, 0:mask_w].astype(np.float32)
    corner_points = np.zeros((mask_h, mask_w), np.float32)
    cell_x, cell_y = (xs + 0.5) * HEAT_STRIDE, (ys + 0.5) * HEAT_STRIDE
    if not frame['negative']:
        for quad in quads_in_input(frame, scale):
            ss = SUPERSAMPLE / MASK_STRIDE
            draw.polygon([(float(x * ss), float(y * ss)) for x, y in quad], fill=255)
            # corner points: tight (the point is the answer), a little wider on big cards
            cs = point_sigma(quad, MASK_STRIDE, 0.03, 0.8, 2.0)
            for px, py in quad / MASK_STRIDE:
                corner_points = np.maximum(corner_points, point_gaussian(mxs, mys, px, py, cs))
            cx, cy = quad.mean(axis=0) / HEAT_STRIDE
            if not (0 <= cx < heat_w and 0 <= cy < heat_h):
                continue  # centre outside the frame: no candidate expected, the mask still learns it
            # centre heat: radius growing with the card's size (CenterNet-style)
            g = point_gaussian(xs, ys, cx, cy, point_sigma(quad, HEAT_STRIDE, 0.12, 0.8, 3.0))
            near = g >= REGRESSION_HEAT
            stronger = near & (g >= heat)
            for k in range(4):
                corners[2 * k][stronger] = ((quad[k, 0] - cell_x) / in_w)[stronger]
                corners[2 * k + 1][stronger] = ((quad[k, 1] - cell_y) / in_h)[stronger]
            weight = np.maximum(weight, np.where(near, g, 0))
            heat = np.maximum(heat, g)
    cover = np.asarray(canvas, np.float32).reshape(mask_h, SUPERSAMPLE, mask_w, SUPERSAMPLE).mean(axis=(1, 3)) / 255
    return heat, corners, weight, np.stack([cover, corner_points])


def build_targets(frames, scale=1.0):
    """Targets of every frame, stacked (float16 to halve the memory of the larger tensors)."""
    heat_h, heat_w, mask_h, mask_w = (int(v * scale) for v in (HEAT_H, HEAT_W, MASK_H, MASK_W))
    heat = np.zeros((len(frames), 1, heat_h, heat_w), np.float32)
    corners = np.zeros((len(frames), 8, heat_h, heat_w), np.float16)
    weight = np.zeros((len(frames), 1, heat_h, heat_w), np.float32)
    mask = np.zeros((len(frames), 2, mask_h, mask_w), np.float16)
    for i, f in enumerate(frames):
        heat[i, 0], corners[i], weight[i, 0], mask[i] = targets(f, scale)
    return heat, corners, weight, mask
