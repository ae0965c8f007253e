"""Which way up a detected card is: a 4-way quarter-turn classifier on its rectified crop.

The detector's quad comes with a corner order that is right only by chance on rolled cards (its corner
regression is trained on the best cyclic order, so geometry does not depend on reading the card).
Rectifying the card with the quad as it is (`card_crop`) makes that order the only unknown: the crop is
the upright card turned by a whole number k of quarter turns (k = 1: corner 0 is the card's top-right,
the crop is the upright one turned a quarter counter-clockwise, `np.rot90(upright, 1)`). `QuarterTurnNet`
tells k from the crop's content (text lines, name above details, logo) and `upright_quad` rolls the
quad back by k, so its first corner is the card's own top-left. A 5-class net also says NO_CARD (the
crop is not one card: an empty desk, part of a card, two cards) and the app drops that detection.

Crops are cut from the model's 256x256 input (what `dump-train.ts` stores and the app already has)
or from the camera frame (sharper text, as the app's own `cropQuad`), into a CROP x CROP canvas with the card's frame aspect kept (grey around it), so a quarter turn of
the canvas is exactly the crop of the rolled quad.
"""
import numpy as np
import torch
from PIL import Image
from torch import nn

CROP = 64
GREY = 0.5
FRAME_SIDE = 256        # a card cut from a camera frame is kept at most this long: CROP x 4, averaged down
FRAME_SUPERSAMPLE = 4   # a frame's card is larger than the canvas: sample 4x finer and average down
NO_CARD = 4             # the fifth class of a `classes=5` net: the crop is not one card


def perspective_coefficients(dst, src):
    """The 8 coefficients of PIL's PERSPECTIVE transform taking output points `dst` to input points `src`."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        rhs += [u, v]
    return np.linalg.solve(np.array(rows, float), np.array(rhs, float)).tolist()


def card_aspect(quad):
    """Width over height of a quad (mean of opposite sides), first side = width."""
    q = np.asarray(quad, float)
    w = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    h = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return w / max(h, 1e-6)


def canvas_rect(aspect):
    """(x0, y0, w, h) of a card of `aspect` (width/height) laid centred in the CROP x CROP canvas."""
    w, h = (CROP, CROP / aspect) if aspect >= 1 else (CROP * aspect, CROP)
    return (CROP - w) / 2, (CROP - h) / 2, w, h


def card_crop(image, quad, aspect, supersample=1):
    """The card inside `quad` (4x2, image pixels, corner 0 to the canvas top-left) rectified into a
    CROP x CROP float canvas [CROP, CROP, 3] in 0..1, `aspect` (width/height along quad[0]→quad[1])
    kept and centred, grey around it. `supersample` > 1 samples a finer canvas and averages it down:
    a card much larger than the canvas (cut from a camera frame) would alias its text otherwise."""
    x0, y0, w, h = canvas_rect(aspect)
    dst = [(x0 * supersample, y0 * supersample), ((x0 + w) * supersample, y0 * supersample),
           ((x0 + w) * supersample, (y0 + h) * supersample), (x0 * supersample, (y0 + h) * supersample)]
    coeffs = perspective_coefficients(dst, np.asarray(quad, float))
    grey = (round(GREY * 255),) * 3
    side = CROP * supersample
    fine = Image.fromarray(image).transform((side, side), Image.PERSPECTIVE, coeffs, Image.BILINEAR, fillcolor=grey)
    out = np.asarray(fine.reduce(supersample) if supersample > 1 else fine, np.float32) / 255
    ys, xs = np.mgrid[0:CROP, 0:CROP] + 0.5
    outside = (xs < x0) | (xs > x0 + w) | (ys < y0) | (ys > y0 + h)
    out[outside] = GREY  # the desk around a wide card would tell the net nothing but its own look
    return out


def card_region(frame, quad):
    """The card's bounding box in a camera frame (PIL; with room for the quad's jitter), at most FRAME_SIDE
    pixels along the card's longer side (the canvas is CROP x FRAME_SUPERSAMPLE): (uint8 image, quad in it)."""
    diag = float(np.linalg.norm(quad[2] - quad[0]))
    lo = np.floor(quad.min(0) - 0.15 * diag).astype(int)
    hi = np.ceil(quad.max(0) + 0.15 * diag).astype(int)
    region = frame.crop((*lo, *hi))
    longer = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0]))
    scale = min(1.0, FRAME_SIDE / longer)
    if scale < 1:
        region = region.resize((max(1, round(region.width * scale)), max(1, round(region.height * scale))), Image.BOX)
    return np.asarray(region), (quad - lo) * scale


def detection_crop(frame, quad):
    """The crop the app cuts through a detection's quad in a camera frame (PIL): the quad's region,
    `card_crop` with the quad's own aspect, supersampled."""
    region, q = card_region(frame, np.asarray(quad, np.float32))
    return card_crop(region, q, card_aspect(q), FRAME_SUPERSAMPLE)


def upright_quad(quad, k):
    """The quad whose crop was turned `k` quarter turns (QuarterTurnNet's class), rolled back so its
    first corner is the card's own top-left."""
    return [quad[(i - k) % 4] for i in range(4)]


class QuarterTurnNet(nn.Module):
    """Four stride-2 blocks (64 → 4), global average, `classes` logits: k quarter turns counter-clockwise
    (0-3), and with `classes=5` NO_CARD (the crop is not one card: the app drops the detection).
    The classifier is a 1x1 convolution on the pooled features (= a linear layer) because rio-farm's ONNX →
    TFLite converter has no Gemm."""

    def __init__(self, width=16, classes=4):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                                 nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
        w = width
        self.features = nn.Sequential(block(3, w), block(w, 2 * w), block(2 * w, 4 * w), block(4 * w, 4 * w))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classify = nn.Conv2d(4 * w, classes, 1)

    def forward(self, x):
        """x: [n, 3, CROP, CROP] in 0..1 → logits [n, classes]."""
        return torch.flatten(self.classify(self.pool(self.features(x))), 1)


class QuarterTurnExport(nn.Module):
    """The deployed signature, like RioNet's: NHWC RGB crop /255 in ([1, CROP, CROP, 3]), the net's logits out."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, crop):
        return self.net(crop.permute(0, 3, 1, 2))


def export_onnx(net, path):
    """torch.onnx.export at opset 13: input `crop`, output `quarter_turn`."""
    wrapper = QuarterTurnExport(net.eval()).eval()
    with torch.no_grad():
        torch.onnx.export(wrapper, torch.zeros(1, CROP, CROP, 3), str(path), opset_version=13, input_names=['crop'],
                          output_names=['quarter_turn'], do_constant_folding=True)
