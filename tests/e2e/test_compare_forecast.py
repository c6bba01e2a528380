"""Real browser, both languages: Compare (four cells, small epoch budget), and a European CSV uploaded on Data,
forecast on the Forecast page, with the downloaded CSV checked for the right dates.

The upload is semicolon-separated, with decimal commas, day-first dates and Latin-1 text: the dates of the
downloaded forecast must continue the file's own daily calendar from the day after its last row.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest

from tests.e2e import harness
from ui.i18n import translate

LANGS = ("en", "pt-BR")
N_DAYS = 120
START = pd.Timestamp("2024-01-05")


def european_csv() -> bytes:
    """Semicolon separated, decimal comma, dd/mm/yyyy dates, Latin-1 header ("Preço médio (R$)")."""
    days = pd.date_range(START, periods=N_DAYS, freq="D")
    lines = ["Data;Preço médio (R$);Observação"]
    for k, day in enumerate(days):
        value = 100 + 10 * ((k % 7) - 3) + 0.25 * k
        lines.append(f"{day:%d/%m/%Y};{value:.2f}".replace(".", ",") + ";sem alteração")
    return ("\n".join(lines) + "\n").encode("latin-1")


def _button(page, label: str):
    return page.get_by_role("button", name=re.compile(re.escape(label) + "$"))


@pytest.mark.parametrize("lang", LANGS)
def test_compare(session, lang):
    tr = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    page, watch = session(lang)
    harness.nav_to(page, "compare-cells")
    page.get_by_text(tr("compare.advanced")).first.click()
    epochs = page.get_by_role("spinbutton", name=tr("compare.epochs"), exact=True)
    epochs.fill("2")
    epochs.press("Enter")
    harness.wait_idle(page)
    _button(page, tr("compare.run")).click()
    page.get_by_text(tr("compare.table_title"), exact=True).first.wait_for(timeout=180_000)
    harness.wait_idle(page, timeout=120)
    text = harness.main_text(page)
    for model in ("lstm", "gru", "bilstm", "rnn"):
        assert tr(f"compare.model.{model}") in text
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3  # losses, test forecasts, gates
    page.screenshot(path=str(session.shots / f"compare-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"compare {lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_upload_european_csv_and_download_the_forecast(session, lang, tmp_path):
    tr = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    page, watch = session(lang)
    harness.nav_to(page, "choose-data")
    page.locator('[data-testid="stRadio"]').get_by_text(tr("data.source_upload"), exact=True).click()
    harness.wait_idle(page)
    upload = tmp_path / "precos.csv"
    upload.write_bytes(european_csv())
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    page.get_by_text(harness.template_re(tr("data.upload_file"))).first.wait_for()
    harness.wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert f"({N_DAYS}" in sidebar.replace(".", "").replace(",", ""), sidebar  # every row was read
    page.screenshot(path=str(session.shots / f"upload-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"upload {lang}")

    harness.nav_to(page, "forecast-series")
    page.get_by_text(tr("forecast.settings")).first.click()
    for key, value in (("forecast.cfg.epochs", "3"), ("forecast.cfg.ensemble", "1")):
        box = page.get_by_role("spinbutton", name=tr(key), exact=True)
        box.fill(value)
        box.press("Enter")
        harness.wait_idle(page)
    horizon = int(page.get_by_role("spinbutton", name=tr("forecast.horizon"), exact=True).input_value())
    _button(page, tr("forecast.run")).click()
    dl = _button(page, tr("forecast.dl_csv"))
    dl.wait_for(timeout=180_000)
    harness.wait_idle(page, timeout=120)
    with page.expect_download() as info:
        dl.click()
    body = (tmp_path / "forecast.csv")
    info.value.save_as(str(body))
    rows = list(csv.reader(io.StringIO(body.read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["date", "forecast"]
    dates = [r[0] for r in rows[1:]]
    expected = pd.date_range(START + pd.Timedelta(days=N_DAYS), periods=horizon, freq="D").strftime("%Y-%m-%d")
    assert dates == list(expected)
    assert all(float(r[1]) == float(r[1]) for r in rows[1:])  # numbers, no NaN
    page.screenshot(path=str(session.shots / f"forecast-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"forecast {lang}")
