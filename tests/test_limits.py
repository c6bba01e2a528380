"""Limits a user meets: the upload size limit is configured once, enforced twice and explained in both languages.

(Divergence at a learning rate of 10, caught and explained with the last good model kept, is proven in
``tests/test_page_train.py::test_divergence_message_and_the_last_good_model_is_kept``.)
"""

from __future__ import annotations

import tomllib

import pytest

import datasets
from datasets import DataError
from tests.conftest import ROOT, open_app
from ui import state
from ui.i18n import fmt_num, translate

LIMIT_MB = datasets.ingest.MAX_BYTES / 2**20


def test_streamlit_and_read_table_use_the_same_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == LIMIT_MB == 10


def test_a_larger_file_gets_a_clear_message():
    blob = b"date,value\n" + b"2024-01-01,1.5\n" * (datasets.ingest.MAX_BYTES // 15 + 10)
    assert len(blob) > datasets.ingest.MAX_BYTES
    with pytest.raises(DataError) as exc:
        datasets.read_table(blob)
    assert exc.value.key == "errors.data.too_big"
    for lang in ("en", "pt-BR"):
        text = translate(lang, exc.value.key, **exc.value.params)
        assert "10" in text and "⟦" not in text
    with pytest.raises(DataError) as exc:  # the caller's own, smaller limit
        datasets.read_table(b"date,value\n2024-01-01,1\n2024-01-02,2\n" * 20, max_bytes=100)
    assert exc.value.key == "errors.data.too_big"


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_data_page_states_the_limit_next_to_the_uploader(lang):
    at = open_app(lang, page="views/data.py")
    at.radio(key=state.DATA_SOURCE).set_value("upload").run()
    assert not at.exception
    expected = translate(lang, "limits.upload_max", mb=fmt_num(LIMIT_MB, 0, lang))
    assert expected in [c.value for c in at.caption]
