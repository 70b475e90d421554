#!/usr/bin/env python3
"""The peer for the trainer benchmark: Graves' synthesis network (3x400 LSTM, K=10 window, M=20
mixtures) in PyTorch-Python, eager, written the plain way a port does it: layer 1 and the window
step by step, layers 2..L as cuDNN LSTMs over the sequence, the mixture NLL, Adam, clipping at a
global norm of 10. Same shapes and random data as `hw-train bench` (T points, U characters,
80-letter alphabet), so the two are timed on equal work. Prints one JSON line."""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn


class Synthesis(nn.Module):
    def __init__(self, hidden=400, layers=3, window=10, mixtures=20, alphabet=80):
        super().__init__()
        self.K, self.V, self.M = window, alphabet, mixtures
        self.cell1 = nn.LSTMCell(3 + alphabet, hidden)
        self.window = nn.Linear(hidden, 3 * window)
        self.upper = nn.ModuleList(nn.LSTM(3 + hidden + alphabet, hidden) for _ in range(layers - 1))
        self.mdn = nn.Linear(layers * hidden, 6 * mixtures + 1)

    def forward(self, x, text):  # x [T, B, 3], text [B, U, V]
        T, B, _ = x.shape
        U = text.shape[1]
        h = x.new_zeros(B, self.cell1.hidden_size)
        c = torch.zeros_like(h)
        kappa = x.new_zeros(B, self.K)
        w = x.new_zeros(B, self.V)
        u = torch.arange(U, device=x.device, dtype=x.dtype).view(1, 1, U)
        hs, ws = [], []
        for t in range(T):
            h, c = self.cell1(torch.cat([x[t], w], 1), (h, c))
            p = torch.exp(self.window(h))
            alpha, beta = p[:, :self.K, None], p[:, self.K:2 * self.K, None]
            kappa = kappa + 0.05 * p[:, 2 * self.K:]
            phi = (alpha * torch.exp(-beta * (kappa[:, :, None] - u) ** 2)).sum(1)
            w = torch.bmm(phi[:, None, :], text)[:, 0]
            hs.append(h)
            ws.append(w)
        layers = [torch.stack(hs)]
        W = torch.stack(ws)
        for lstm in self.upper:
            layers.append(lstm(torch.cat([x, layers[-1], W], 2))[0])
        return self.mdn(torch.cat(layers, 2))


def mixture_nll(y, target, M):
    e_hat = y[..., 0]
    log_pi = torch.log_softmax(y[..., 1:1 + M], -1)
    mu1, mu2 = y[..., 1 + M:1 + 2 * M], y[..., 1 + 2 * M:1 + 3 * M]
    ls1, ls2 = y[..., 1 + 3 * M:1 + 4 * M], y[..., 1 + 4 * M:1 + 5 * M]
    rho = torch.tanh(y[..., 1 + 5 * M:1 + 6 * M]).clamp(-0.99999, 0.99999)
    z1 = (target[..., :1] - mu1) * torch.exp(-ls1)
    z2 = (target[..., 1:2] - mu2) * torch.exp(-ls2)
    one_m_r2 = 1 - rho * rho
    z = z1 * z1 + z2 * z2 - 2 * rho * z1 * z2
    log_n = -z / (2 * one_m_r2) - math.log(2 * math.pi) - ls1 - ls2 - 0.5 * torch.log(one_m_r2)
    log_mix = torch.logsumexp(log_pi + log_n, -1)
    pen = target[..., 2]
    log_e = -nn.functional.softplus(-e_hat)
    log_1me = -nn.functional.softplus(e_hat)
    return -(log_mix + pen * log_e + (1 - pen) * log_1me)


def one_hot(codes, alphabet):
    """Codes [B, U] with -1 where a line has no character -> one-hot [B, U, V] (zero rows there)."""
    valid = codes >= 0
    text = torch.zeros(*codes.shape, alphabet, device=codes.device)
    text.scatter_(2, codes.clamp(min=0).long().unsqueeze(2), valid.unsqueeze(2).float())
    return text


def masked_nll(net, x, target, mask, text):
    """The trainer's loss: the NLL summed over the real points, and their number."""
    return (mixture_nll(net(x, text), target, 20) * mask).sum(), mask.sum()


def validation_nll(net, d, V, dev):
    """The NLL per point of the exported validation batches, and their number of lines."""
    nll, points, lines = 0.0, 0.0, 0
    with torch.no_grad():
        for x, target, mask, codes in zip(d["valid_x"], d["valid_target"], d["valid_mask"], d["valid_codes"]):
            total, n = masked_nll(net, x.to(dev), target.to(dev), mask.to(dev), one_hot(codes.to(dev), V))
            nll, points, lines = nll + total.item(), points + n.item(), lines + x.shape[1]
    return nll / max(1.0, points), lines


def on_batches(a, dev):
    # Our own file (hw-train bench --export): torch::pickle_save writes tensor lists through
    # torch.jit._pickle, which the weights-only unpickler does not allow.
    d = torch.load(a.batches, weights_only=False)
    V = int(d["alphabet"])
    torch.manual_seed(1)
    net = Synthesis(alphabet=V).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    batches = list(zip(d["train_x"], d["train_target"], d["train_mask"], d["train_codes"]))[:a.updates or None]
    train_s, curve, skipped = 0.0, [], 0
    for done, (x, target, mask, codes) in enumerate(batches, 1):
        t0 = time.perf_counter()
        x, target, mask, codes = x.to(dev), target.to(dev), mask.to(dev), codes.to(dev)
        opt.zero_grad()
        total, points = masked_nll(net, x, target, mask, one_hot(codes, V))
        (total / points).backward()
        norm = nn.utils.clip_grad_norm_(net.parameters(), 10.0)
        if torch.isfinite(norm):  # as the trainer: a non-finite gradient skips the update
            opt.step()
        else:
            skipped += 1
        if dev.type == "cuda":
            torch.cuda.synchronize()
        train_s += time.perf_counter() - t0
        if done == len(batches) or (a.eval_every and done % a.eval_every == 0):
            nll, lines = validation_nll(net, d, V, dev)
            curve.append({"updates": done, "valid_nll_per_point": nll, "train_s": train_s})
            print(json.dumps(curve[-1]), file=sys.stderr, flush=True)  # progress
    print(json.dumps({"contender": "pytorch-python-eager", "device": dev.type, "updates": len(batches), "lr": 1e-3,
                      "batch": int(batches[0][0].shape[1]) if batches else 0, "s_per_update": train_s / max(1, len(batches)),
                      "skipped_updates": skipped, "valid_lines": lines if batches else 0,
                      "valid_nll_per_point": curve[-1]["valid_nll_per_point"] if curve else None, "curve": curve,
                      "torch": torch.__version__}))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--points", type=int, default=400)
    ap.add_argument("--chars", type=int, default=30)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batches", default=None, help="train on these batches (hw-train bench --data --export)")
    ap.add_argument("--updates", type=int, default=0, help="with --batches: only the first N batches (0: all)")
    ap.add_argument("--eval-every", type=int, default=0, help="with --batches: the validation NLL every N updates too")
    a = ap.parse_args()
    dev = torch.device(a.device)
    if a.batches:
        return on_batches(a, dev)
    torch.manual_seed(1)
    net = Synthesis().to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(a.points, a.batch, 3, device=dev)
    target = torch.randn(a.points, a.batch, 3, device=dev)
    text = torch.zeros(a.batch, a.chars, 80, device=dev)
    text[:, :, 5] = 1

    def update():
        opt.zero_grad()
        loss = mixture_nll(net(x, text), target, 20).mean()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 10.0)
        opt.step()
        return loss.item()

    update()  # warm-up: cuDNN plans, the caching allocator
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        update()
    dt = time.perf_counter() - t0
    print(json.dumps({"contender": "pytorch-python-eager", "device": dev.type, "batch": a.batch, "points": a.points,
                      "chars": a.chars, "updates_per_s": a.steps / dt, "points_per_s": a.steps * a.batch * a.points / dt,
                      "s_per_update": dt / a.steps, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
