#!/usr/bin/env python3
"""PyTorch reference for `s2f bench models`: one network per process, CPU, 2 threads.

The networks follow the project's definitions (paper profile):
  se   SE training step: conv-BN blocks, CBAM, 1x1 conv to 4096, average pool, fc; tri-item loss; Adam
  fd   FD training step: fc, fc, eleven 5x5 (transposed) convolutions with BN and ReLU, CBAM, 1x1 conv to RGB,
       sigmoid; image loss 0.84 (1 - MS-SSIM) + 0.16 L1 and 1 - cos(VGGFace fc7(face), Ff) through a frozen
       VGGFace (no weight gradients); Adam
  vgg  VGGFace forward (VGG16 to fc8), no gradients
Usage:
  bench/pytorch_models.py describe                       prints the runtime line (BLAS, threads) as JSON
  bench/pytorch_models.py NET BATCH STEPS WARMUP GFLOP   times NET; the last line is `result {json}`
GFLOP is the useful work per sample, given by the caller so both sides count the same FLOPs.
"""
import ctypes
import json
import os
import resource
import sys
import time


# Some machines set OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) for every process, because older OpenBLAS builds
# compute wrong results or crash on their processors. Debian 12's OpenBLAS 0.3.21 is not one of them on the AMD
# Zen 5 here, and the setting (Haswell) halves it: 208 against 385 GFLOP/s for a 2048x2048 product with its own
# choice (Cooperlake). A reference must get its BLAS's best, so this process restarts itself without both settings,
# checks a product against float64 once torch has loaded, and goes back to the machine's settings if it is wrong.
MACHINE_BLAS_SETTINGS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
KEPT = "S2F_MACHINE_OPENBLAS"  # the machine's settings, "NAME=value ..." while they are left out
WRONG = "S2F_OPENBLAS_OWN_CHOICE_WRONG"  # set once OpenBLAS's own choice failed the check: no second try


def restart_without_machine_blas_settings():
    if KEPT in os.environ or WRONG in os.environ or not any(n in os.environ for n in MACHINE_BLAS_SETTINGS):
        return
    os.environ[KEPT] = " ".join(f"{n}={os.environ.pop(n)}" for n in MACHINE_BLAS_SETTINGS if n in os.environ)
    os.execv(sys.executable, [sys.executable] + sys.argv)


def restart_with_machine_blas_settings():
    for setting in os.environ.pop(KEPT).split():
        name, value = setting.split("=", 1)
        os.environ[name] = value
    os.environ[WRONG] = "1"
    os.execv(sys.executable, [sys.executable] + sys.argv)


def openblas_core(library):
    """The core OpenBLAS chose for this CPU, or None when `library` is not OpenBLAS."""
    try:
        get = ctypes.CDLL(library).openblas_get_corename
    except (OSError, AttributeError):
        return None
    get.restype = ctypes.c_char_p
    return get().decode()


restart_without_machine_blas_settings()

import torch  # noqa: E402 (after the BLAS core is settled)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

THREADS = 2
torch.set_num_threads(THREADS)
torch.manual_seed(1)


def check_blas_without_machine_settings():
    """A float32 product within float32's rounding of the float64 one, or back to the machine's settings."""
    if KEPT not in os.environ:
        return
    a, b = torch.randn(512, 700, dtype=torch.float64), torch.randn(700, 300, dtype=torch.float64)
    error = ((a.float() @ b.float()).double() - a @ b).abs().max().item()
    if not error < 1e-3:  # float32 rounding of these sums (700 terms, about 26 in size) is about 1e-4; NaN fails
        restart_with_machine_blas_settings()


check_blas_without_machine_settings()


# ---------------------------------------------------------------------------------------------------------- networks
class Cbam(nn.Module):
    """Channel attention (shared MLP over average and max pools) then spatial attention (7x7 conv, 2 -> 1)."""

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
    """SE of Table 3, fusion none."""

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


class VggFace(nn.Module):
    """VGG16 with VGGFace's preprocessing (RGB [0, 1] -> BGR 0-255 minus the means); returns fc7 (pre-ReLU), fc8."""
    MEAN_BGR = (93.5940, 104.7624, 129.1863)

    def __init__(self, ids=2622, with_fc8=True):
        super().__init__()
        layers, c = [], 3
        for v in (64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'):
            if v == 'M':
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
                c = v
        self.trunk = nn.Sequential(*layers)
        self.fc6, self.fc7 = nn.Linear(512 * 7 * 7, 4096), nn.Linear(4096, 4096)
        self.fc8 = nn.Linear(4096, ids) if with_fc8 else None
        self.register_buffer("mean", torch.tensor(self.MEAN_BGR).view(1, 3, 1, 1))

    def forward(self, rgb):
        x = rgb.flip(1) * 255 - self.mean
        x = torch.flatten(self.trunk(x), 1)
        fc7 = self.fc7(F.relu(self.fc6(x)))
        return fc7, (self.fc8(F.relu(fc7)) if self.fc8 is not None else None)


class FaceDecoder(nn.Module):
    """FD of Table 2 as the project builds it: strides 2,2,1,1,1,2,1,1,2,1,2; stride 2 is ConvTranspose2d(5, pad 2,
    output_padding 1), stride 1 a 5x5 convolution (pad 2); no biases before BN; CBAM after the fifth block."""
    WIDTHS = (512, 512, 512, 512, 512, 256, 256, 256, 64, 64, 32)
    STRIDES = (2, 2, 1, 1, 1, 2, 1, 1, 2, 1, 2)

    def __init__(self, d=4096, hidden=1000, grid=7):
        super().__init__()
        self.grid = grid
        self.fc1, self.fc2 = nn.Linear(d, hidden), nn.Linear(hidden, grid * grid * self.WIDTHS[0])
        blocks, c = [], self.WIDTHS[0]
        for i, (w, s) in enumerate(zip(self.WIDTHS, self.STRIDES)):
            conv = (nn.ConvTranspose2d(c, w, 5, 2, 2, output_padding=1, bias=False) if s == 2
                    else nn.Conv2d(c, w, 5, 1, 2, bias=False))
            blocks += [conv, nn.BatchNorm2d(w), nn.ReLU()]
            if i == 4:
                blocks.append(Cbam(w))
            c = w
        self.body = nn.Sequential(*blocks)
        self.rgb = nn.Conv2d(c, 3, 1)

    def forward(self, ff):
        x = F.relu(self.fc2(F.relu(self.fc1(ff)))).view(-1, self.WIDTHS[0], self.grid, self.grid)
        return torch.sigmoid(self.rgb(self.body(x)))


def gaussian(window=11, sigma=1.5):
    x = torch.arange(window, dtype=torch.float64) - (window - 1) / 2
    g = torch.exp(-x * x / (2 * sigma * sigma))
    return (g / g.sum()).float()


def ms_ssim(x, y, scales=5, k1=0.01, k2=0.03):
    """Per-image MS-SSIM as the project defines it: separable valid Gaussian (11, 1.5) per channel, 2x2 average
    pooling between scales, prod cs_j^w_j * ssim_M^w_M per channel (terms floored at 1e-6), mean over channels."""
    weights = torch.tensor([0.0448, 0.2856, 0.3001, 0.2363, 0.1333][:scales])
    weights = weights / weights.sum()
    g = gaussian()
    gv, gh = g.view(1, 1, -1, 1), g.view(1, 1, 1, -1)
    c1, c2 = k1 * k1, k2 * k2
    n, c, h, w = x.shape
    a, b = x.reshape(-1, 1, h, w), y.reshape(-1, 1, h, w)

    def filt(t):
        return F.conv2d(F.conv2d(t, gv), gh)

    product = None
    for j in range(scales):
        mx, my = filt(a), filt(b)
        mxx, myy, mxy = mx * mx, my * my, mx * my
        vx, vy, cov = filt(a * a) - mxx, filt(b * b) - myy, filt(a * b) - mxy
        cs = (2 * cov + c2) / (vx + vy + c2)
        if j < scales - 1:
            term = cs.mean(dim=(1, 2, 3))
            a, b = F.avg_pool2d(a, 2), F.avg_pool2d(b, 2)
        else:
            term = (((2 * mxy + c1) / (mxx + myy + c1)) * cs).mean(dim=(1, 2, 3))
        powered = (F.relu(term - 1e-6) + 1e-6) ** weights[j]
        product = powered if product is None else product * powered
    return product.view(n, c).mean(dim=1)


def paper_adam(params):
    return torch.optim.Adam(params, lr=1e-3, betas=(0.5, 0.999), eps=1e-4)


# ------------------------------------------------------------------------------------------------------- the runtime
def loaded_libraries():
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if line.rstrip().endswith((".so", ".so.0", ".so.3"))
                       or ".so." in line.split()[-1]})


def describe():
    """Threads, and the BLAS the dynamic linker actually resolved (libblas.so.3 is an update-alternatives link)."""
    torch.rand(64, 64) @ torch.rand(64, 64)  # every library is loaded by now
    libs = loaded_libraries()
    blas = [p for p in libs if os.path.basename(p).startswith(("libblas.so", "libopenblas", "libblis", "libmkl"))]
    resolved = next((p for p in blas if os.path.basename(p).startswith("libblas.so")), blas[0] if blas else "")
    if "openblas" in resolved:
        vendor = "openblas"
    elif "/blas/" in resolved or "netlib" in resolved:
        vendor = "reference"
    elif "blis" in resolved:
        vendor = "blis"
    elif "mkl" in resolved:
        vendor = "mkl"
    else:
        vendor = "unknown"
    blas_threads = -1
    if vendor == "openblas":
        try:
            blas_threads = ctypes.CDLL(resolved).openblas_get_num_threads()
        except (OSError, AttributeError):
            pass
        core = openblas_core(resolved)
        if core is not None:
            resolved += f", core {core}"
            if KEPT in os.environ:
                resolved += f", its own choice: the machine's {os.environ[KEPT]} left out"
            elif WRONG in os.environ:
                resolved += ", the machine's setting: its own choice computed a wrong product"
    info = next((part.split("=", 1)[1] for part in torch.__config__.show().replace(",", " ").split()
                 if part.startswith("BLAS_INFO=")), "?")
    return {"library": f"PyTorch {torch.__version__} (BLAS_INFO={info})", "threads": torch.get_num_threads(),
            "blas": vendor, "blasLibrary": resolved or "none loaded", "blasThreads": blas_threads,
            "onednn": torch.backends.mkldnn.is_available()}


def matrix_product_gflops(n=2048, reps=5):
    a, b = torch.rand(n, n), torch.rand(n, n)
    a @ b
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def step_for(net, batch):
    if net == "se":
        se, loss = SpeechEncoder(), TriItemLoss()
        opt = paper_adam(se.parameters())
        x, ff = torch.randn(batch, 2, 598, 257), torch.randn(batch, 4096)

        def se_step():
            opt.zero_grad()
            loss(se(x), ff).backward()
            opt.step()
        return se_step
    if net == "fd":
        fd, vgg = FaceDecoder(), VggFace(with_fc8=False)
        for p in vgg.parameters():
            p.requires_grad_(False)
        opt = paper_adam(fd.parameters())
        ff, faces = torch.randn(batch, 4096), torch.rand(batch, 3, 224, 224)

        def fd_step():
            opt.zero_grad()
            face = fd(ff)
            image = (0.84 * (1 - ms_ssim(face, faces)) + 0.16 * (face - faces).abs().mean(dim=(1, 2, 3))).mean()
            fc7, _ = vgg(face)
            cosine = (1 - F.cosine_similarity(fc7, ff, dim=1, eps=1e-12)).mean()
            (image + cosine).backward()
            opt.step()
        return fd_step
    if net == "vgg":
        vgg = VggFace().eval()
        faces = torch.rand(batch, 3, 224, 224)

        def vgg_step():
            with torch.no_grad():
                vgg(faces)
        return vgg_step
    raise SystemExit(f"unknown network '{net}'; expected se, fd or vgg")


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "describe":
        print("runtime " + json.dumps(describe()), flush=True)
        return
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    net, batch, steps, warmup, gflop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), \
        float(sys.argv[5])
    ceiling = matrix_product_gflops()
    step = step_for(net, batch)
    for i in range(warmup):
        t0 = time.perf_counter()
        step()
        print(f"warm-up step {i + 1}: {time.perf_counter() - t0:.2f} s", flush=True)
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(steps):
        t1 = time.perf_counter()
        step()
        print(f"step {i + 1}: {time.perf_counter() - t1:.2f} s", flush=True)
    seconds = (time.perf_counter() - t0) / steps
    cpu = (time.process_time() - cpu0) / steps
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # ru_maxrss is in KiB on Linux
    print("result " + json.dumps({"side": "PYTORCH", "net": net.upper(), "batch": batch, "steps": steps,
                                  "secondsPerStep": seconds, "cpuSecondsPerStep": cpu, "gflopPerSample": gflop,
                                  "matrixProductGflops": ceiling, "peakRssBytes": peak, "runtime": describe()}),
          flush=True)


if __name__ == "__main__":
    main()
