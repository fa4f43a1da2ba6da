"""The fuzzing harness (fuzz/): findings are saved once per place, and `run.py --reproduce`
feeds an input to a target's check. The fuzzers themselves run with `make fuzz`."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"


def _harness():
    """fuzz/_harness.py (standard library only; fuzz/ is not a package)."""
    spec = importlib.util.spec_from_file_location("fuzz_harness", FUZZ / "_harness.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fail(message: str) -> None:
    raise RuntimeError(message)


def test_a_finding_is_saved_once_per_place(tmp_path):
    findings = _harness().Findings(tmp_path / "artifacts")
    saved = []
    for data in (b"first", b"second"):
        try:
            _fail(data.decode())
        except RuntimeError as exc:
            saved.append(findings.record(data, exc))
    assert saved[0] is not None and saved[0].read_bytes() == b"first" and saved[1] is None
    assert "RuntimeError at test_fuzz_harness.py" in saved[0].with_suffix(".txt").read_text()


@pytest.mark.slow
def test_reproduce_feeds_an_input_to_a_target(tmp_path):
    pytest.importorskip("atheris", reason="the fuzz extra is not installed")
    body = tmp_path / "body.bin"
    body.write_bytes(b"multipart/related; boundary=b\n1,2\n--b\r\n\r\npart\r\n--b--\r\n")
    done = subprocess.run(
        [sys.executable, str(FUZZ / "run.py"), "--reproduce", "multipart", str(body)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"{body}: within the contract" in done.stdout
