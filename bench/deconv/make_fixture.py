#!/usr/bin/env python3
"""PyTorch's ConvTranspose2d on fixed weights and input, for FastDeconvolutionTest.

The face decoder's stride-2 layers are 5x5 transposed convolutions that double the map; PyTorch writes them
ConvTranspose2d(k=5, stride=2, padding=2, output_padding=1). This computes, in float64, the output, the input
gradient and the weight gradient for a given output gradient (the bias case too), and writes them as JSON with
the inputs. Weights are in PyTorch's layout [in, out, kH, kW], which is also DL4J's Deconvolution2D layout.

Usage: /usr/bin/python3 bench/deconv/make_fixture.py common/src/test/resources/pytorch-deconv/conv_transpose.json
"""
import json
import sys

import torch


def case(n, c_in, c_out, h, w, kernel, stride, bias, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c_in, h, w, generator=g, dtype=torch.float64, requires_grad=True)
    conv = torch.nn.ConvTranspose2d(c_in, c_out, kernel, stride, padding=(kernel - 1) // 2,
                                    output_padding=stride - 1, bias=bias).double()
    with torch.no_grad():
        conv.weight.copy_(torch.randn(conv.weight.shape, generator=g, dtype=torch.float64) * 0.2)
        if bias:
            conv.bias.copy_(torch.randn(conv.bias.shape, generator=g, dtype=torch.float64))
    y = conv(x)
    dy = torch.randn(y.shape, generator=g, dtype=torch.float64)
    y.backward(dy)
    flat = lambda t: [round(v, 12) for v in t.detach().reshape(-1).tolist()]
    return {"n": n, "in": c_in, "out": c_out, "h": h, "w": w, "kernel": kernel, "stride": stride, "bias": bias,
            "x": flat(x), "weight": flat(conv.weight), "b": flat(conv.bias) if bias else [],
            "y_shape": list(y.shape), "y": flat(y), "dy": flat(dy), "dx": flat(x.grad),
            "dweight": flat(conv.weight.grad), "db": flat(conv.bias.grad) if bias else []}


def main():
    cases = [case(2, 3, 4, 5, 6, 5, 2, False, 7), case(1, 2, 3, 4, 4, 5, 2, True, 11),
             case(2, 2, 2, 5, 4, 5, 1, False, 13)]
    with open(sys.argv[1], "w") as f:
        json.dump({"source": f"PyTorch {torch.__version__} ConvTranspose2d, float64", "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
