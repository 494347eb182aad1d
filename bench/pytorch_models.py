#!/usr/bin/env python3
"""PyTorch reference for `s2f bench models`: the same SE training step and VGG16 forward, CPU, 2 threads.

The project's targets (docs/benchmarks.md) were set against PyTorch 1.13 on these machines (SE 7.7 samples/s, VGG16 7.0 faces/s); this script
measures them again beside the DL4J run, since shared machines are noisy. Architectures follow
common/src/main/java/org/speech2face/model/{SpeechEncoder,Cbam,TriItemLoss,VggFace}.java (paper profile).
Usage: bench/pytorch_models.py [batch] [steps] [warmup]   (prints one line per network, DL4J's format)
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(1)


class Cbam(nn.Module):
    def __init__(self, c, r=16, k=7):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(c, c // r), nn.ReLU(), nn.Linear(c // r, c))
        self.spatial = nn.Conv2d(2, 1, k, padding=k // 2)

    def forward(self, x):
        a = self.mlp(x.mean(dim=(2, 3))) + self.mlp(x.amax(dim=(2, 3)))
        x = x * torch.sigmoid(a)[:, :, None, None]
        s = torch.cat([x.mean(dim=1, keepdim=True), x.amax(dim=1, keepdim=True)], dim=1)
        return x * torch.sigmoid(self.spatial(s))


class SpeechEncoder(nn.Module):
    """SE of Table 3, fusion none: conv-BN blocks with max pools, CBAM, 1x1 conv to 4096, average pool, fc."""

    def __init__(self, w=(64, 128, 256, 512, 512), d=4096):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(2, w[0], 7, 2, 1, bias=False), nn.BatchNorm2d(w[0]), nn.MaxPool2d(3, 2), nn.ReLU(),
            nn.Conv2d(w[0], w[1], 5, 2, 1, bias=False), nn.BatchNorm2d(w[1]), nn.MaxPool2d(3, 2), nn.ReLU(),
            nn.Conv2d(w[1], w[2], 3, 1, 1, bias=False), nn.BatchNorm2d(w[2]), nn.ReLU(),
            nn.Conv2d(w[2], w[3], 3, 1, 1, bias=False), nn.BatchNorm2d(w[3]), nn.ReLU(),
            nn.Conv2d(w[3], w[4], 3, 1, 1, bias=False), nn.BatchNorm2d(w[4]), nn.MaxPool2d((5, 3), (3, 2)), nn.ReLU(),
            Cbam(w[4]), nn.Conv2d(w[4], d, 1), nn.ReLU())
        self.fc2 = nn.Linear(d, d)

    def forward(self, x):
        return self.fc2(self.body(x).mean(dim=(2, 3)))


class TriItemLoss(nn.Module):
    """1 * ||Ff/|Ff| - Sf/|Sf|||^2 + 0.04 * |DFc1(Ff) - DFc1(Sf)|_1 + 1.2 * (1 - cos(VFc3(Ff), VFc3(Sf))), frozen."""

    def __init__(self, d=4096, hidden=1000, ids=2622):
        super().__init__()
        self.dfc1, self.vfc3 = nn.Linear(d, hidden), nn.Linear(d, ids)
        for p in self.parameters():
            p.requires_grad_(False)

    def forward(self, sf, ff):
        t1 = ((F.normalize(ff, dim=1) - F.normalize(sf, dim=1)) ** 2).sum(dim=1)
        t2 = (F.relu(self.dfc1(ff)) - F.relu(self.dfc1(sf))).abs().sum(dim=1)
        t3 = 1 - F.cosine_similarity(self.vfc3(F.relu(ff)), self.vfc3(F.relu(sf)), dim=1)
        return (t1 + 0.04 * t2 + 1.2 * t3).mean()


def vgg16(ids=2622):
    layers, c = [], 3
    for v in (64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'):
        if v == 'M':
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
            c = v
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Linear(4096, 4096),
                         nn.ReLU(), nn.Linear(4096, ids))


def timed(name, step, batch, steps, warmup, gflop):
    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    s = (time.perf_counter() - t0) / steps
    print(f"{name:<34} batch {batch} x {steps} steps: {batch / s:7.2f} samples/s ({s:6.2f} s/step), "
          f"{gflop:7.2f} GFLOP/sample, {gflop * batch / s:6.1f} GFLOP/s", flush=True)


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    print(f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads")
    n, best = 2048, float("inf")
    a, b = torch.rand(n, n), torch.rand(n, n)
    a @ b
    for _ in range(5):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    print(f"{'float32 matrix product 2048x2048':<34} {2 * n ** 3 / best / 1e9:6.1f} GFLOP/s", flush=True)
    se, loss = SpeechEncoder(), TriItemLoss()
    opt = torch.optim.Adam(se.parameters(), lr=1e-3, betas=(0.5, 0.999), eps=1e-4)
    x, ff = torch.randn(batch, 2, 598, 257), torch.randn(batch, 4096)

    def se_step():
        opt.zero_grad()
        loss(se(x), ff).backward()
        opt.step()

    timed("SE training step (paper)", se_step, batch, steps, warmup, 17.69)
    vgg = vgg16().eval()
    faces = torch.rand(batch, 3, 224, 224)

    def vgg_step():
        with torch.no_grad():
            vgg(faces)

    timed("VGGFace inference (paper)", vgg_step, batch, steps, warmup, 30.95)


if __name__ == "__main__":
    main()
