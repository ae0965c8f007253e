"""Exports a training checkpoint (or state dict) to the release files: rio.onnx (opset 13) and rio.pt.

  /usr/bin/python3 android-demo/model/export.py .rio-farm/model/run1/checkpoint.pt android-demo/model/release
"""
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rio_net import RioNet, export_onnx, parameter_count  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: export.py CHECKPOINT OUT_DIR')
    ck = torch.load(sys.argv[1], map_location='cpu')
    state = ck['model'] if 'model' in ck else ck
    net = RioNet()
    net.load_state_dict(state)
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), out / 'rio.pt')
    export_onnx(net, out / 'rio.onnx')
    print(f'{out / "rio.onnx"}: RioNet {parameter_count(net)} parameters, step {ck.get("step", "?")}')


if __name__ == '__main__':
    main()
