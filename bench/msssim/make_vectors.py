#!/usr/bin/env python3
"""Reference MS-SSIM vectors for the Java tests, from an independent NumPy implementation.

Crops two public-domain portraits with ffmpeg, makes distorted copies, and writes PNGs plus vectors.json into
common/src/test/resources/msssim/. The implementation here deliberately differs from the Java one: a full 2-D
11x11 Gaussian window applied by direct correlation (the Java code filters separably), everything in float64.

Definition (docs/paper-recipes.md, "Losses"): Gaussian window 11, sigma 1.5, K1 0.01, K2 0.03, dynamic range 1, 2x2 average
pooling between scales (odd sizes: last row/column dropped), 'valid' filtering, per-channel MS-SSIM =
prod_{j<M} relu(cs_j)^w_j * relu(ssim_M)^w_M, averaged over the three channels. 5 scales use
w = 0.0448, 0.2856, 0.3001, 0.2363, 0.1333; fewer scales use the first M weights renormalised to sum to 1.

Usage: python3 bench/msssim/make_vectors.py /work/shared/testdata/faces common/src/test/resources/msssim
"""
import json
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

WEIGHTS5 = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])


def gaussian_window(size=11, sigma=1.5):
    ax = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-(ax ** 2) / (2 * sigma ** 2))
    g /= g.sum()
    return np.outer(g, g)


def filt(img, win):
    # direct valid 2-D correlation with the full window
    patches = sliding_window_view(img, win.shape)
    return np.tensordot(patches, win, axes=([2, 3], [0, 1]))


def pool2(img):
    h, w = img.shape[0] // 2 * 2, img.shape[1] // 2 * 2
    img = img[:h, :w]
    return 0.25 * (img[0::2, 0::2] + img[1::2, 0::2] + img[0::2, 1::2] + img[1::2, 1::2])


def ms_ssim_channel(x, y, scales):
    weights = WEIGHTS5[:scales] / WEIGHTS5[:scales].sum()
    win = gaussian_window()
    c1, c2 = (0.01 * 1.0) ** 2, (0.03 * 1.0) ** 2
    vals = []
    for j in range(scales):
        mx, my = filt(x, win), filt(y, win)
        sxx = filt(x * x, win) - mx * mx
        syy = filt(y * y, win) - my * my
        sxy = filt(x * y, win) - mx * my
        cs = (2 * sxy + c2) / (sxx + syy + c2)
        if j < scales - 1:
            vals.append(max(cs.mean(), 0.0))
            x, y = pool2(x), pool2(y)
        else:
            lum = (2 * mx * my + c1) / (mx * mx + my * my + c1)
            vals.append(max((lum * cs).mean(), 0.0))
    return float(np.prod(np.array(vals) ** weights))


def ms_ssim(a, b, scales):
    """a, b: HxWx3 uint8."""
    x = a.astype(np.float64) / 255.0
    y = b.astype(np.float64) / 255.0
    return float(np.mean([ms_ssim_channel(x[:, :, c], y[:, :, c], scales) for c in range(3)]))


def crop(path, x, y, size, out):
    cmd = ['ffmpeg', '-v', 'error', '-i', path, '-vf', f'crop={size}:{size}:{x}:{y},scale={out}:{out}:flags=area',
           '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(out, out, 3).copy()


def write_png(path, img):
    h, w, _ = img.shape
    rows = b''.join(b'\x00' + img[r].tobytes() for r in range(h))

    def chunk(tag, data):
        return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff)

    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) \
        + chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(png)


def distortions(a, b, rng):
    af = a.astype(np.float64)
    noisy = np.clip(af + rng.normal(0, 12.0, a.shape), 0, 255).round().astype(np.uint8)
    k = np.ones(5) / 5.0
    blur = np.apply_along_axis(lambda v: np.convolve(v, k, mode='same'), 0, af)
    blur = np.apply_along_axis(lambda v: np.convolve(v, k, mode='same'), 1, blur).round().astype(np.uint8)
    bright = np.clip(af + 25, 0, 255).astype(np.uint8)
    return [('identical', a), ('noise', noisy), ('blur', blur), ('brighter', bright), ('other', b)]


def main(faces_dir, out_dir):
    rng = np.random.default_rng(20200801)
    os.makedirs(out_dir, exist_ok=True)
    # OpenCV Haar boxes from SOURCES.md, widened a little and squared
    sources = {'obama': ('obama.jpg', 322, 75, 340), 'biden': ('biden.jpg', 413, 191, 354)}
    cases = []
    for size, scales in ((176, 5), (64, 3)):
        a = crop(os.path.join(faces_dir, sources['obama'][0]), *sources['obama'][1:], size)
        b = crop(os.path.join(faces_dir, sources['biden'][0]), *sources['biden'][1:], size)
        base = f'obama_{size}.png'
        write_png(os.path.join(out_dir, base), a)
        for name, img in distortions(a, b, rng):
            other = f'{name}_{size}.png' if name != 'identical' else base
            if name != 'identical':
                write_png(os.path.join(out_dir, other), img)
            l1 = float(np.mean(np.abs(a.astype(np.float64) - img.astype(np.float64)) / 255.0))
            cases.append({'a': base, 'b': other, 'size': size, 'scales': scales,
                          'msssim': ms_ssim(a, img, scales), 'l1': l1})
    with open(os.path.join(out_dir, 'vectors.json'), 'w') as f:
        json.dump({'generator': 'bench/msssim/make_vectors.py (NumPy ' + np.__version__ + ')', 'cases': cases}, f,
                  indent=1)
    for c in cases:
        print(c)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
