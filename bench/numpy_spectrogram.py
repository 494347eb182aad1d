#!/usr/bin/env python3
"""NumPy reference for the spectrogram from PCM, single-threaded, to compare with SpectrogramBenchmark.

Same recipe as org.speech2face.audio.SpectrogramExtractor: fit to 6 s at 16 kHz (tile short clips, cut long
ones), periodic Hann window of 400, hop 160, rfft of 512, no centre padding (598 frames x 257 bins), power-law
compression sgn(x)|x|^0.3 on real and imaginary parts, stored as float32 [598][257][2]. The input clips are
speech-like and of the same lengths as the Java benchmark's (3.5 s to 8.4 s), so half are tiled and half cut.

Prints "numpy: <x> segments/s" (wall time; one thread) and the CPU-time rate beside it.
"""
import os

# Pin every BLAS/OpenMP pool to one thread before NumPy loads.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
            "VECLIB_MAXIMUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

RATE, SEGMENT, WINDOW, HOP, NFFT, POWER = 16000, 96000, 400, 160, 512, 0.3
FRAMES = 1 + (SEGMENT - WINDOW) // HOP
BINS = NFFT // 2 + 1
HANN = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WINDOW) / WINDOW)).astype(np.float32)
FRAME_INDEX = np.arange(FRAMES)[:, None] * HOP + np.arange(WINDOW)[None, :]


def speech_like(length, seed):
    """A voiced-speech stand-in: wandering pitch, 12 harmonics, syllable-rate envelope, a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(length) / RATE
    steps = np.cumsum(8 * (rng.random(length // (RATE // 50) + 1) - 0.5))
    f0 = np.clip(90 + 160 * rng.random() + np.repeat(steps, RATE // 50)[:length], 90, 250)
    phase = np.cumsum(2 * np.pi * f0 / RATE)
    voiced = sum(np.sin(h * phase) / h for h in range(1, 13))
    envelope = np.maximum(0.0, np.sin(2 * np.pi * (3 + 3 * rng.random()) * t))
    return (0.25 * envelope * voiced + 0.01 * (rng.random(length) - 0.5)).astype(np.float32)


def fit(pcm):
    if len(pcm) >= SEGMENT:
        return pcm[:SEGMENT], False
    return np.resize(pcm, SEGMENT), True   # np.resize repeats the waveform


def spectrogram(pcm):
    segment, tiled = fit(pcm)
    frames = segment[FRAME_INDEX] * HANN                      # [598, 400] float32
    spec = np.fft.rfft(frames, n=NFFT, axis=1)                # [598, 257] complex64 (NumPy 2) or complex128
    out = np.empty((FRAMES, BINS, 2), dtype=np.float32)
    out[..., 0] = spec.real
    out[..., 1] = spec.imag
    magnitude = np.abs(out)
    np.power(magnitude, np.float32(POWER), out=magnitude)
    np.copysign(magnitude, out, out=out)                     # sgn(x) |x|^0.3, in place
    rms = float(np.sqrt(np.mean(np.square(segment, dtype=np.float64))))
    return out, tiled, rms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--dump", metavar="PCM_F32", help="write the spectrogram of this raw float32 PCM file to "
                        "PCM_F32.spec.f32 and exit (to compare with the Java output)")
    args = parser.parse_args()
    if args.dump:
        out, tiled, rms = spectrogram(np.fromfile(args.dump, dtype="<f4"))
        out.astype("<f4").tofile(args.dump + ".spec.f32")
        print(f"wrote {args.dump}.spec.f32: tiled={tiled} rms={rms:.6f}")
        return
    clips = [speech_like(int(RATE * (3.5 + 0.7 * i)), 1000 + i) for i in range(8)]
    checksum = 0.0
    for i in range(args.warmup):
        spectrogram(clips[i % len(clips)])
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(args.segments):
        out, _, rms = spectrogram(clips[i % len(clips)])
        checksum += float(out.flat[out.size // 3]) + rms
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"numpy: {args.segments / wall:.1f} segments/s ({args.segments / cpu:.1f} per CPU-second; "
          f"{args.segments} segments; numpy {np.__version__}; checksum {checksum:.4f})")


if __name__ == "__main__":
    main()
