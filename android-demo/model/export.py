"""Exports a training checkpoint (or state dict) to the release files: rio.onnx (opset 13) and rio.pt.

  /usr/bin/python3 android-demo/model/export.py .rio-farm/model/run1/checkpoint.pt android-demo/model/release [--no-orient]

--no-orient drops the orientation head (an untrained one would turn quads at random: the app's quarter-turn
classifier does the turning), so rio.onnx has no `orient` output and rio.pt no `orient_head.*` tensors.
"""
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rio_net import RioNet, export_onnx, parameter_count  # noqa: E402


def main():
    args = [a for a in sys.argv[1:] if a != '--no-orient']
    orient = len(args) == len(sys.argv) - 1
    if len(args) != 2:
        sys.exit('usage: export.py CHECKPOINT OUT_DIR [--no-orient]')
    ck = torch.load(args[0], map_location='cpu')
    state = ck['model'] if 'model' in ck else ck
    if not orient:
        state = {k: v for k, v in state.items() if not k.startswith('orient_head.')}
    net = RioNet(orient=orient)
    net.load_state_dict(state)
    out = Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), out / 'rio.pt')
    export_onnx(net, out / 'rio.onnx')
    print(f'{out / "rio.onnx"}: RioNet {parameter_count(net)} parameters, step {ck.get("step", "?")}')


if __name__ == '__main__':
    main()
