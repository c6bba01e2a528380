"""Optimisers (SGD with momentum, Adam, AdamW), global-norm clipping and learning-rate schedules.

Optimisers update a dict of LIVE parameter arrays in place (``net.params``) from a dict of gradients with the
same keys, and match ``torch.optim`` step for step. Notation: p parameter, g gradient, lr learning rate,
λ weight decay, t the step count (from 1).

- SGD:   g ← g + λ·p;  v ← μ·v + g;  p ← p − lr·v                     (μ momentum; v starts at g, as torch)
- Adam:  g ← g + λ·p;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
         m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  p ← p − lr · m̂ / (√v̂ + ε)
- AdamW: p ← p − lr·λ·p (decoupled decay, Loshchilov & Hutter 2019), then the Adam step with λ = 0.

Weight decay skips parameters whose name contains "bias" (decaying biases and gains only hurts small nets).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "make_optimizer",
    "clip_grad_norm",
    "global_norm",
    "CosineSchedule",
    "ReduceOnPlateau",
]


def _decays(name: str) -> bool:
    return "bias" not in name


class Optimizer:
    """Base class: holds the live params, the learning rate and per-parameter state."""

    def __init__(self, params: dict[str, np.ndarray], lr: float, weight_decay: float = 0.0) -> None:
        if lr <= 0 or not math.isfinite(lr):
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.params = params
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.t = 0

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Apply one update to every parameter that has a gradient (in place)."""
        self.t += 1
        for name, p in self.params.items():
            g = grads.get(name)
            if g is not None:
                self._update(name, p, np.asarray(g, dtype=p.dtype))

    def _update(self, name: str, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with (heavy-ball) momentum, as ``torch.optim.SGD``."""

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = float(momentum)
        self.v: dict[str, np.ndarray] = {}

    def _update(self, name, p, g):
        if self.weight_decay and _decays(name):
            g = g + self.weight_decay * p
        if self.momentum:
            v = self.v.get(name)
            if v is None:
                v = self.v[name] = g.copy()
            else:
                v *= self.momentum
                v += g
            g = v
        p -= self.lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction; ``weight_decay`` is the coupled L2 term, as torch."""

    decoupled = False

    def __init__(
        self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.b1, self.b2 = float(betas[0]), float(betas[1])
        self.eps = float(eps)
        self.m = {k: np.zeros_like(p) for k, p in params.items()}
        self.v = {k: np.zeros_like(p) for k, p in params.items()}

    def _update(self, name, p, g):
        if self.weight_decay and _decays(name):
            if self.decoupled:
                p *= 1.0 - self.lr * self.weight_decay
            else:
                g = g + self.weight_decay * p
        m, v = self.m[name], self.v[name]
        m *= self.b1
        m += (1.0 - self.b1) * g
        v *= self.b2
        v += (1.0 - self.b2) * (g * g)
        c1 = 1.0 - self.b1**self.t
        c2 = 1.0 - self.b2**self.t
        # p ← p − lr · (m / c1) / (sqrt(v / c2) + eps), written as torch does it
        denom = np.sqrt(v) / math.sqrt(c2) + self.eps
        p -= (self.lr / c1) * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (``torch.optim.AdamW``; default λ = 0.01 as torch)."""

    decoupled = True

    def __init__(
        self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.01
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


def make_optimizer(name: str, params, lr: float, weight_decay: float = 0.0, momentum: float = 0.9) -> Optimizer:
    """Build an optimiser by name: "sgd", "adam" or "adamw"."""
    name = name.lower()
    if name == "sgd":
        return SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if name == "adam":
        return Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return AdamW(params, lr=lr, weight_decay=weight_decay)
    raise ValueError(f"unknown optimiser {name!r}")


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """‖g‖ = sqrt(Σ over all arrays of Σ g²), in float64."""
    total = 0.0
    for g in grads.values():
        g64 = np.asarray(g, dtype=np.float64).ravel()
        total += float(g64 @ g64)
    return math.sqrt(total)


def clip_grad_norm(grads: dict[str, np.ndarray], max_norm: float) -> float:
    """Rescale every gradient in place by max_norm / (‖g‖ + 1e-6) when ‖g‖ > max_norm (torch's rule).

    Returns the norm before clipping (inf/nan when a gradient is not finite, so callers can detect divergence).
    """
    norm = global_norm(grads)
    if max_norm and max_norm > 0 and math.isfinite(norm) and norm > max_norm:
        coef = max_norm / (norm + 1e-6)
        for g in grads.values():
            g *= coef
    return norm


class CosineSchedule:
    """lr(e) = lr_min + (lr₀ − lr_min) · (1 + cos(π · e / E)) / 2 for epoch e of E (set on ``opt.lr``)."""

    def __init__(self, optimizer: Optimizer, total_epochs: int, min_factor: float = 0.05) -> None:
        self.opt = optimizer
        self.base = optimizer.lr
        self.total = max(1, int(total_epochs))
        self.min_lr = self.base * float(min_factor)

    def step(self, epoch: int, val_loss: float | None = None) -> float:
        """Call after epoch ``epoch`` (0-based); sets the rate for the next one and returns it."""
        e = min(epoch + 1, self.total)
        self.opt.lr = self.min_lr + (self.base - self.min_lr) * 0.5 * (1.0 + math.cos(math.pi * e / self.total))
        return self.opt.lr


class ReduceOnPlateau:
    """Multiply lr by ``factor`` when the validation loss has not improved for ``patience`` epochs."""

    def __init__(self, optimizer: Optimizer, factor: float = 0.5, patience: int = 5, min_lr: float = 1e-6) -> None:
        self.opt = optimizer
        self.factor = float(factor)
        self.patience = int(patience)
        self.min_lr = float(min_lr)
        self.best = math.inf
        self.bad = 0

    def step(self, epoch: int, val_loss: float | None = None) -> float:
        if val_loss is not None and math.isfinite(val_loss):
            if val_loss < self.best * (1 - 1e-4):
                self.best, self.bad = val_loss, 0
            else:
                self.bad += 1
                if self.bad > self.patience:
                    self.opt.lr = max(self.min_lr, self.opt.lr * self.factor)
                    self.bad = 0
        return self.opt.lr
