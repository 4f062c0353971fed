#!/usr/bin/python3
"""Makes the import test fixtures in src/test/resources/interop (run with Debian's python3-torch 1.13):

  /usr/bin/python3 src/test/python/make_fixtures.py [OUTPUT_DIR]

- tiny_unet.pt: a tiny U-Net (depth 2, base 8, BatchNorm, 2x2 transposed convolutions, one logit channel),
  trained for a few hundred steps on 128-px crops of the BHSD CT slices in sample-data/, saved with torch.jit.trace.
  Input: 1 channel, pixel / 255; sizes multiples of 4; output: logits.
- crop128.png / crop128_prob.npy: a real 128x128 crop of a CT slice and PyTorch's own probability for it.
- bioimageio-ts-05.zip: a bioimage.io package, format 0.5.3, torchscript weights, scale_linear + sigmoid + binarize.
- bioimageio-onnx-04.zip: format 0.4.10, onnx weights (opset 13), scale_range percentiles + sigmoid
  (only when torch.onnx.export works here).
Each package holds test_input.npy / test_output.npy made by PyTorch with its own pre- and postprocessing.
Seeded: a rerun gives the same shapes (and on the same machine the same values).
"""
import hashlib
import io
import os
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "src", "test", "resources", "interop")
DATA = os.path.join(ROOT, "sample-data", "ich-ct-bhsd")
torch.manual_seed(7)
np.random.seed(7)
torch.set_num_threads(2)


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class TinyUNet(nn.Module):
    """The classic U-Net's shape (as in the original notebook), depth 2 and base 8."""

    def __init__(self, base=8):
        super().__init__()
        self.enc1, self.enc2 = block(1, base), block(base, 2 * base)
        self.bottleneck = block(2 * base, 4 * base)
        self.pool = nn.MaxPool2d(2)
        self.up2, self.dec2 = nn.ConvTranspose2d(4 * base, 2 * base, 2, stride=2), block(4 * base, 2 * base)
        self.up1, self.dec1 = nn.ConvTranspose2d(2 * base, base, 2, stride=2), block(2 * base, base)
        self.head = nn.Conv2d(base, 1, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        b = self.bottleneck(self.pool(e2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


def grey(path):
    return np.asarray(Image.open(path).convert("L"), dtype=np.float32)


def load_pairs():
    names = sorted(f for f in os.listdir(os.path.join(DATA, "images")) if f.endswith(".png"))
    return [(n, grey(os.path.join(DATA, "images", n)), (grey(os.path.join(DATA, "masks", n)) > 0).astype(np.float32)) for n in names]


def crops(pairs, count, size=128):
    xs, ys = [], []
    for _ in range(count):
        _, img, mask = pairs[np.random.randint(len(pairs))]
        fg = np.argwhere(mask > 0)
        if len(fg) and np.random.rand() < 0.7:  # most crops around a lesion
            cy, cx = fg[np.random.randint(len(fg))]
        else:
            cy, cx = np.random.randint(img.shape[0]), np.random.randint(img.shape[1])
        y0 = int(np.clip(cy - size // 2, 0, img.shape[0] - size))
        x0 = int(np.clip(cx - size // 2, 0, img.shape[1] - size))
        xs.append(img[y0:y0 + size, x0:x0 + size] / 255.0)
        ys.append(mask[y0:y0 + size, x0:x0 + size])
    return torch.tensor(np.stack(xs))[:, None], torch.tensor(np.stack(ys))[:, None]


def train(net, pairs, steps):
    opt = torch.optim.Adam(net.parameters(), 3e-3)
    bce = nn.BCEWithLogitsLoss()
    net.train()
    for step in range(steps):
        x, y = crops(pairs, 8)
        logits = net(x)
        p = torch.sigmoid(logits)
        dice = 1 - (2 * (p * y).sum() + 1) / (p.sum() + y.sum() + 1)
        loss = bce(logits, y) + dice
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step}: loss {loss.item():.4f}")
    net.eval()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array.astype(np.float32))
    return buffer.getvalue()


def scale_range(x, lo_pct, hi_pct, eps=1e-6):
    lo, hi = np.percentile(x, lo_pct), np.percentile(x, hi_pct)  # numpy's linear interpolation
    return (x - lo) / (hi - lo + eps)


def write_zip(path, files):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # fixed dates: identical bytes on rerun
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[name])


RDF_05 = """format_version: 0.5.3
type: model
name: Tiny CT lesion U-Net (test fixture)
description: A tiny 2-D U-Net trained for a few steps on BHSD CT slices; a test fixture, not a useful model.
authors:
  - name: lesionseg test fixtures
cite:
  - text: Ronneberger et al., U-Net (2015)
    doi: 10.1007/978-3-319-24574-4_28
license: MIT
documentation: README.md
tags: [unet, segmentation, 2d, ct]
inputs:
  - id: raw
    axes:
      - type: batch
      - type: channel
        channel_names: [ct]
      - type: space
        id: y
        size: {min: 16, step: 4}
      - type: space
        id: x
        size: {min: 16, step: 4}
    test_tensor: {source: test_input.npy, sha256: %(in_sha)s}
    data: {type: float32}
    preprocessing:
      - id: scale_linear
        kwargs: {gain: 0.00392156862745098, offset: 0.0}
outputs:
  - id: probability
    axes:
      - type: batch
      - type: channel
        channel_names: [lesion]
      - type: space
        id: y
        size: {tensor_id: raw, axis_id: y}
      - type: space
        id: x
        size: {tensor_id: raw, axis_id: x}
    test_tensor: {source: test_output.npy, sha256: %(out_sha)s}
    postprocessing:
      - id: sigmoid
      - id: binarize
        kwargs: {threshold: 0.5}
weights:
  torchscript:
    source: tiny_unet.pt
    sha256: %(w_sha)s
    pytorch_version: "1.13"
"""

RDF_04 = """format_version: 0.4.10
type: model
name: Tiny CT lesion U-Net, ONNX (test fixture)
description: The same tiny U-Net with ONNX weights and percentile scaling, in the older 0.4 format.
authors:
  - name: lesionseg test fixtures
cite:
  - text: Ronneberger et al., U-Net (2015)
    doi: 10.1007/978-3-319-24574-4_28
license: MIT
documentation: README.md
tags: [unet, segmentation, 2d, ct]
inputs:
  - name: raw
    axes: bcyx
    data_type: float32
    data_range: [-.inf, .inf]
    shape:
      min: [1, 1, 16, 16]
      step: [0, 0, 4, 4]
    preprocessing:
      - name: scale_range
        kwargs: {mode: per_sample, axes: xy, min_percentile: 1.0, max_percentile: 99.8}
outputs:
  - name: probability
    axes: bcyx
    data_type: float32
    shape:
      reference_tensor: raw
      scale: [1, 1, 1, 1]
      offset: [0, 0, 0, 0]
    postprocessing:
      - name: sigmoid
test_inputs: [test_input.npy]
test_outputs: [test_output.npy]
weights:
  onnx:
    source: tiny_unet.onnx
    sha256: %(w_sha)s
    opset_version: 13
"""


def main():
    os.makedirs(OUT, exist_ok=True)
    pairs = load_pairs()
    net = TinyUNet()
    train(net, pairs, int(os.environ.get("FIXTURE_STEPS", "300")))
    example = torch.zeros(1, 1, 64, 64)
    with torch.no_grad():
        traced = torch.jit.trace(net, example)
    pt = io.BytesIO()
    torch.jit.save(traced, pt)
    pt = pt.getvalue()
    with open(os.path.join(OUT, "tiny_unet.pt"), "wb") as f:
        f.write(pt)

    # a real 128x128 crop (raw 8-bit) around the largest lesion, and PyTorch's own probability for it
    name, img, mask = max(pairs, key=lambda p: p[2].sum())
    cy, cx = np.argwhere(mask > 0).mean(0).astype(int)
    y0, x0 = int(np.clip(cy - 64, 0, img.shape[0] - 128)), int(np.clip(cx - 64, 0, img.shape[1] - 128))
    crop = img[y0:y0 + 128, x0:x0 + 128]
    Image.fromarray(crop.astype(np.uint8)).save(os.path.join(OUT, "crop128.png"))
    with torch.no_grad():
        prob = torch.sigmoid(traced(torch.tensor(crop / 255.0, dtype=torch.float32)[None, None]))[0, 0].numpy()
    np.save(os.path.join(OUT, "crop128_prob.npy"), prob.astype(np.float32))
    print(f"crop of {name} at ({x0}, {y0}); lesion pixels {int(mask[y0:y0 + 128, x0:x0 + 128].sum())}; mean prob {prob.mean():.4f}")

    # bioimage.io 0.5 with torchscript weights: test tensors made with the package's own steps
    test_in = crop[None, None].astype(np.float32)
    with torch.no_grad():
        test_out = torch.sigmoid(traced(torch.tensor(test_in * 0.00392156862745098))).numpy()
    test_out = (test_out > 0.5).astype(np.float32)
    ins, outs = npy_bytes(test_in), npy_bytes(test_out)
    rdf = RDF_05 % dict(in_sha=sha256(ins), out_sha=sha256(outs), w_sha=sha256(pt))
    readme = b"# Tiny CT lesion U-Net\n\nA test fixture made by src/test/python/make_fixtures.py.\n"
    write_zip(os.path.join(OUT, "bioimageio-ts-05.zip"),
              {"rdf.yaml": rdf.encode(), "tiny_unet.pt": pt, "test_input.npy": ins, "test_output.npy": outs, "README.md": readme})

    # bioimage.io 0.4 with onnx weights and percentile scaling, when this torch can export ONNX
    onnx_buffer = io.BytesIO()
    try:
        torch.onnx.export(net, example, onnx_buffer, opset_version=13, input_names=["raw"], output_names=["probability"],
                          dynamic_axes={"raw": {0: "b", 2: "y", 3: "x"}, "probability": {0: "b", 2: "y", 3: "x"}})
    except Exception as e:  # Debian's torch may lack the exporter's dependencies
        print("no ONNX fixture:", e)
        return
    onnx_bytes = onnx_buffer.getvalue()
    test_in4 = crop[None, None].astype(np.float32)
    with torch.no_grad():
        test_out4 = torch.sigmoid(traced(torch.tensor(scale_range(test_in4, 1.0, 99.8).astype(np.float32)))).numpy()
    ins4, outs4 = npy_bytes(test_in4), npy_bytes(test_out4)
    write_zip(os.path.join(OUT, "bioimageio-onnx-04.zip"),
              {"rdf.yaml": (RDF_04 % dict(w_sha=sha256(onnx_bytes))).encode(), "tiny_unet.onnx": onnx_bytes,
               "test_input.npy": ins4, "test_output.npy": outs4, "README.md": readme})
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
