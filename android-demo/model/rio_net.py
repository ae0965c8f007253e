"""RioNet: the small fully-convolutional card detector, and its export wrapper.

Shapes follow android-demo/contract/model-io.json: input `image` [1,256,256,3] NHWC RGB /255;
outputs `heat` [1,64,64,1] sigmoid (card centres), `corners` [1,64,64,8] (offsets from the cell
centre to the four corners, in units of the input size), `mask` [1,128,128,2] sigmoid (channel 0 card
pixels, channel 1 card-corner heatmap).

Encoder: depthwise-separable stride-2 stages down to 8x8 with dilated convolutions for a
receptive field that covers a whole card; decoder: FPN-style upsample + lateral adds back to 64x64
(heads) and 128x128 (mask). BatchNorm is folded away at export.
"""
import json
from pathlib import Path

import torch
from torch import nn
import torch.nn.functional as F

CONTRACT = json.loads((Path(__file__).resolve().parent.parent / 'contract' / 'model-io.json').read_text())
INPUT_H, INPUT_W = CONTRACT['input']['shape'][1:3]
OUTPUTS = {o['name']: o for o in CONTRACT['outputs']}
HEAT_STRIDE = OUTPUTS['heat']['stride']
MASK_STRIDE = OUTPUTS['mask']['stride']


def cbr(cin, cout, k=3, stride=1, groups=1, dilation=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride, padding=dilation * (k // 2), dilation=dilation, groups=groups, bias=False),
        nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def dws(cin, cout, stride=1, dilation=1):
    """Depthwise 3x3 + pointwise 1x1: most of the receptive field for little compute."""
    return nn.Sequential(cbr(cin, cin, 3, stride, groups=cin, dilation=dilation), cbr(cin, cout, 1))


class RioNet(nn.Module):
    def __init__(self, width=32, orient=True):
        """orient=False leaves out the orientation head (the quarter-turn classifier turns crops instead),
        so the exported model has no `orient` output, as release runs 1-7."""
        super().__init__()
        f = width
        self.stem = cbr(3, 16, 3, 2)                                                  # 128
        self.e1 = nn.Sequential(dws(16, 32, 2), dws(32, 32))                          # 64
        self.e2 = nn.Sequential(dws(32, 48, 2), dws(48, 48))                          # 32
        self.e3 = nn.Sequential(dws(48, 96, 2), dws(96, 96), dws(96, 96, dilation=2))  # 16
        self.e4 = nn.Sequential(dws(96, 160, 2), dws(160, 160, dilation=2), dws(160, 160, dilation=4), dws(160, 160))  # 8
        self.lat4 = cbr(160, f, 1)
        self.lat3, self.lat2, self.lat1 = cbr(96, f, 1), cbr(48, f, 1), cbr(32, f, 1)
        self.d3, self.d2, self.d1 = dws(f, f), dws(f, f), dws(f, f)
        self.heat_head = nn.Sequential(dws(f, f), nn.Conv2d(f, 1, 1))
        self.corner_head = nn.Sequential(dws(f, f, dilation=2), nn.Conv2d(f, 8, 1))
        # The 128x128 mask branch is the costliest resolution: keep it at 16 channels.
        self.to_mask, self.lat0 = cbr(f, 16, 1), cbr(16, 16, 1)
        self.mask_head = nn.Sequential(dws(16, 16), nn.Conv2d(16, 1, 1))
        # Card corners at mask resolution, orientation-free (any corner of any card): the sharp points
        # the post-processing snaps a quad's corners to where the mask's blob is ragged or merged.
        self.corner_point_head = nn.Sequential(dws(16, 16), dws(16, 16, dilation=2), nn.Conv2d(16, 1, 1))
        # Which way up the card is: read at the centre peak, so it needs the whole card (its text, logo,
        # layout) in view — dilated blocks widen the receptive field at 64x64 for little compute.
        self.orient_head = nn.Sequential(dws(f, f, dilation=2), dws(f, f, dilation=4), nn.Conv2d(f, 2, 1)) if orient else None
        nn.init.constant_(self.heat_head[-1].bias, -4.0)  # start with "no card anywhere" (focal-loss prior)
        nn.init.constant_(self.corner_point_head[-1].bias, -4.0)

    @staticmethod
    def up(x):
        return F.interpolate(x, scale_factor=2.0, mode='bilinear', align_corners=False)

    def forward(self, x):
        """x: NCHW in [0,1]. Returns logits: heat [N,1,64,64], corners [N,8,64,64], mask [N,2,128,128],
        orient [N,2,64,64] (None without the orientation head)."""
        s = self.stem(x)
        c1 = self.e1(s)
        c2 = self.e2(c1)
        c3 = self.e3(c2)
        c4 = self.e4(c3)
        p3 = self.d3(self.up(self.lat4(c4)) + self.lat3(c3))
        p2 = self.d2(self.up(p3) + self.lat2(c2))
        p1 = self.d1(self.up(p2) + self.lat1(c1))
        p0 = self.up(self.to_mask(p1)) + self.lat0(s)
        return (self.heat_head(p1), self.corner_head(p1), torch.cat([self.mask_head(p0), self.corner_point_head(p0)], 1),
                self.orient_head(p1) if self.orient_head is not None else None)


class RioNetExport(nn.Module):
    """The deployed signature: NHWC image in, NHWC sigmoid/offset maps out."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        heat, corners, mask, orient = self.net(image.permute(0, 3, 1, 2))
        outputs = (torch.sigmoid(heat).permute(0, 2, 3, 1), corners.permute(0, 2, 3, 1), torch.sigmoid(mask).permute(0, 2, 3, 1))
        return outputs if orient is None else (*outputs, orient.permute(0, 2, 3, 1))


def export_onnx(net, path):
    """torch.onnx.export at opset 13 with the contract's tensor names."""
    net = net.eval()
    wrapper = RioNetExport(net).eval()
    dummy = torch.zeros(1, INPUT_H, INPUT_W, 3)
    names = ['heat', 'corners', 'mask'] + (['orient'] if net.orient_head is not None else [])
    with torch.no_grad():
        torch.onnx.export(wrapper, dummy, str(path), opset_version=13, input_names=['image'],
                          output_names=names, do_constant_folding=True)


def parameter_count(net):
    return sum(p.numel() for p in net.parameters())
