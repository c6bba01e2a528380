"""Hostile input: crafted model files, random archives, and no dangerous calls in app code.

Existing suites already cover pickles/wrong shapes/NaN in model files (tests/test_core_io.py), formula cells in
CSV exports (tests/test_export.py) and random bytes into the core and read_table (test_core_hypothesis.py,
test_datasets_fuzz.py). This file adds what they do not: zip bombs and huge declared shapes, random zip
archives through the Forecast page's loader, and a scan of the app's source for eval/exec/pickle/shell calls.
The budgets (#18) have their own files: ``test_budgets.py`` (the table, ingestion, configs), ``test_cli_hostile.py``
(the command line) and ``test_hostile_pages.py`` (links, escaped text, the last-resort handler).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_core.errors import CoreError
from lstm_core.io import MAX_LOADED_BYTES, load, load_arrays
from tests.conftest import ROOT
from ui import export

APP_CODE = ["lstm_core", "datasets", "ui", "pages", "app.py"]


def _npy_header(shape: tuple, dtype: str = "<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _config() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.array(json.dumps({"kind": "LSTM", "input_size": 1, "hidden_size": 2, "num_layers": 1,
                                      "bidirectional": False, "seed": 0, "dtype": "float32"})))
    return buf.getvalue()


def _reason(data: bytes) -> str:
    with pytest.raises(CoreError) as exc:
        load_arrays(data)
    assert exc.value.key == "errors.core.bad_model_file"
    return exc.value.params["reason"]


def test_huge_declared_shape_is_refused_before_allocating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("__config__.npy", _config())
        zf.writestr("weight_ih_l0.npy", _npy_header((10**6, 10**6)) + b"\0" * 64)  # 7 TiB declared
    assert _reason(buf.getvalue()) == "too_big"


def test_zip_bomb_is_refused_before_decompressing():
    buf = io.BytesIO()
    n = MAX_LOADED_BYTES // 8 + 1024  # just over the limit once decompressed, ~300 kB compressed
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("__config__.npy", _config())
        with zf.open("weight_ih_l0.npy", "w", force_zip64=True) as fh:
            fh.write(_npy_header((n,)))
            chunk = b"\0" * 2**20
            for _ in range(n * 8 // 2**20 + 1):
                fh.write(chunk)
    data = buf.getvalue()
    assert len(data) < 2**20
    assert _reason(data) == "too_big"
    with pytest.raises(CoreError):
        export.load_model(data, n_points=500)  # the Forecast page's upload path


def test_too_many_members_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("__config__.npy", _config())
        for k in range(5000):
            zf.writestr(f"a{k}.npy", b"")
    assert _reason(buf.getvalue()) == "too_big"


def test_non_npy_and_old_format_members_are_errors():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("__config__.npy", _config())
        zf.writestr("weight_ih_l0.npy", b"\x93NUMPY\x09\x00" + b"garbage")  # unknown format version
    assert _reason(buf.getvalue()) in ("unreadable_array", "not_npz")


@settings(max_examples=60, deadline=None)
# member names without NUL or lone surrogates: zipfile itself cannot write those (it crashes building the archive, before our loader)
@given(st.lists(st.tuples(st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1, max_size=12),
                          st.binary(max_size=300)), max_size=5,
                unique_by=lambda m: m[0]),
       st.booleans())
def test_random_archives_only_raise_core_error(members, with_config):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        if with_config:
            zf.writestr("__config__.npy", _config())
        for name, blob in members:
            zf.writestr(f"{name}.npy", blob)
    data = buf.getvalue()
    for loader in (load_arrays, load, lambda d: export.load_model(d, n_points=500)):
        with contextlib.suppress(CoreError):
            loader(data)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_with_a_zip_signature_only_raise_core_error(tail):
    with contextlib.suppress(CoreError):
        load_arrays(b"PK\x03\x04" + tail)


# --- the source tree ------------------------------------------------------------------------------------------
FORBIDDEN = {
    r"(?<![\w.])eval\(": "eval(",
    r"(?<![\w.])exec\(": "exec(",
    r"\bimport pickle\b|\bfrom pickle\b|\bpickle\.": "pickle",
    r"\bcloudpickle\b|\bdill\b|\bshelve\b|\bmarshal\.": "pickle-like",
    r"\bsubprocess\b": "subprocess",
    r"\bos\.system\(|\bos\.popen\(|\bos\.exec": "shell",
    r"allow_pickle\s*=\s*True": "allow_pickle=True",
    r"\b__import__\(": "__import__(",
}


def _app_files():
    for entry in APP_CODE:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def _code_only(text: str) -> str:
    """Source without comments and docstrings/strings, so prose about pickle does not count."""
    import tokenize

    out = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.STRING):
            out.append(tok.string)
    return " ".join(out).replace(" (", "(").replace(" .", ".").replace(". ", ".")


def test_no_eval_exec_pickle_or_shell_in_app_code():
    files = list(_app_files())
    assert len(files) > 20  # the scan really sees the app
    found = []
    for path in files:
        code = _code_only(path.read_text(encoding="utf-8"))
        for pattern, what in FORBIDDEN.items():
            if re.search(pattern, code):
                found.append(f"{path.relative_to(ROOT)}: {what}")
    assert not found, found


def test_the_scan_catches_what_it_looks_for():
    for snippet in ("x = eval(s)", "import pickle", "subprocess.run(cmd)", "os.system(c)", "exec(code)",
                    "np.load(f, allow_pickle=True)"):
        code = _code_only(snippet + "\n")
        assert any(re.search(p, code) for p in FORBIDDEN), snippet
    assert not any(re.search(p, _code_only('"""we never use pickle or eval("x")"""\n')) for p in FORBIDDEN)
