"""A run in a training worker stays within its budgets (``budgets.RUN_SECONDS``, ``budgets.RUN_MEMORY_BYTES``)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import budgets
from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig
from tests.conftest import ROOT
from ui import workers
from ui.i18n import translate


def test_a_run_over_its_time_budget_is_ended_with_a_message(monkeypatch):
    monkeypatch.setattr(budgets, "RUN_SECONDS", 1.5)
    cfg = ForecastConfig(window=16, horizon=4, hidden_size=16, epochs=1000, patience=0, ensemble=1)
    with pytest.raises(CoreError) as exc:
        workers.fit(np.sin(np.arange(600) / 3.0), cfg)
    assert exc.value.key == "errors.engine.over_time"
    assert "⟦" not in translate("pt-BR", exc.value.key, **exc.value.params)
    assert workers.fit(np.sin(np.arange(200) / 3.0), ForecastConfig(window=8, horizon=2, hidden_size=4, epochs=1,
                                                                    ensemble=1)) is not None  # a fresh worker


def test_the_memory_cap_turns_a_huge_allocation_into_a_memory_error():
    code = ("from ui.workers.process import cap_memory\nimport numpy as np\n"
            "assert cap_memory(200 * 2**20) > 0\n"
            "small = np.ones(50 * 2**20 // 8)\n"
            "try:\n    np.ones(400 * 2**20 // 8)\nexcept MemoryError:\n    print('refused')\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "refused", out.stderr[-2000:]
