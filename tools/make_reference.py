"""Write PyTorch reference fixtures for the recurrent core (run by a developer; tests never import torch).

For LSTM, GRU and RNN x 1/2 layers x uni/bidirectional, in float64, it stores the weights (state_dict names),
the inputs x, h0 (c0), the upstream gradients dy, dh_n (dc_n), and torch's y, h_n (c_n), dx, dh0 (dc0) and every
parameter gradient (``grad.<name>``) in ``tests/data/reference/<kind>_l<L>_<uni|bi>.npz``.

    .venv/bin/python tools/make_reference.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "reference"
B, T, IN, H = 3, 5, 2, 4


def make_one(kind: str, num_layers: int, bidirectional: bool, seed: int) -> dict[str, np.ndarray]:
    """Run torch forward + backward on random data and return every array of the fixture."""
    import torch

    torch.manual_seed(seed)
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind]
    net = cls(IN, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=True).double()
    D = 2 if bidirectional else 1
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, IN))
    h0 = rng.normal(scale=0.5, size=(num_layers * D, B, H))
    c0 = rng.normal(scale=0.5, size=(num_layers * D, B, H))
    dy = rng.normal(size=(B, T, D * H))
    dh_n = rng.normal(size=(num_layers * D, B, H))
    dc_n = rng.normal(size=(num_layers * D, B, H))
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0, requires_grad=True)
    c0t = torch.tensor(c0, requires_grad=True)
    if kind == "lstm":
        y, (h_n, c_n) = net(xt, (h0t, c0t))
        loss = (y * torch.tensor(dy)).sum() + (h_n * torch.tensor(dh_n)).sum() + (c_n * torch.tensor(dc_n)).sum()
    else:
        y, h_n = net(xt, h0t)
        loss = (y * torch.tensor(dy)).sum() + (h_n * torch.tensor(dh_n)).sum()
    loss.backward()
    arrays = {f"param.{k}": v.detach().numpy().copy() for k, v in net.state_dict().items()}
    arrays.update({f"grad.{k}": p.grad.numpy().copy() for k, p in net.named_parameters()})
    arrays.update(x=x, h0=h0, dy=dy, dh_n=dh_n, y=y.detach().numpy(), h_n=h_n.detach().numpy(),
                  dx=xt.grad.numpy(), dh0=h0t.grad.numpy())
    if kind == "lstm":
        arrays.update(c0=c0, dc_n=dc_n, c_n=c_n.detach().numpy(), dc0=c0t.grad.numpy())
    return arrays


def main() -> None:
    """Write all twelve fixtures."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    seed = 0
    for kind in ("lstm", "gru", "rnn"):
        for num_layers in (1, 2):
            for bi in (False, True):
                arrays = make_one(kind, num_layers, bi, seed)
                seed += 1
                path = OUT_DIR / f"{kind}_l{num_layers}_{'bi' if bi else 'uni'}.npz"
                np.savez_compressed(path, **arrays)
                print(f"wrote {path.relative_to(OUT_DIR.parent.parent.parent)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
