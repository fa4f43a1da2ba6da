"""Training: a short run writes best/last checkpoints and a metrics log, resumes, and
two gloo processes end with identical weights."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

from model_core.train import main as train_main

from .conftest import REPO_ROOT
from .training_fixtures import write_toy_splits

FAST = [
    "--batch-size",
    "4",
    "--warmup-steps",
    "2",
    "--log-every",
    "1",
    "--vocab-size",
    "150",
    "--threads",
    "1",
]


@pytest.fixture(scope="module")
def splits(tmp_path_factory):
    return write_toy_splits(tmp_path_factory.mktemp("toy"))


def test_short_run_writes_checkpoints_log_and_resumes(splits, tmp_path):
    train, val = splits
    out = tmp_path / "run"
    args = ["--train-data", str(train), "--val-data", str(val), "--out", str(out), *FAST]
    assert train_main([*args, "--epochs", "1"]) == 0
    for name in ("config.json", "model.safetensors", "tokenizer.json", "val_metrics.json"):
        assert (out / "best" / name).is_file()
    assert (out / "last" / "optimizer.safetensors").is_file()
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert any("val" in line and "mIoU" in line["val"] for line in lines)
    assert all(line["loss"] > 0 for line in lines if "loss" in line)
    state = json.loads((out / "last" / "trainer_state.json").read_text())
    assert state["progress"]["epoch"] == 1 and state["progress"]["step"] == 6
    before = load_file(str(out / "last" / "model.safetensors"))
    assert train_main([*args, "--epochs", "2", "--resume"]) == 0
    state = json.loads((out / "last" / "trainer_state.json").read_text())
    assert state["progress"]["epoch"] == 2 and state["progress"]["step"] == 12
    after = load_file(str(out / "last" / "model.safetensors"))
    assert any(not torch.equal(before[k], after[k]) for k in before)


def test_missing_split_is_a_clear_error(tmp_path, capsys):
    code = train_main(
        [
            "--train-data",
            str(tmp_path / "nope"),
            "--val-data",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2 and "not a prepared split" in capsys.readouterr().err


@pytest.mark.slow
def test_two_gloo_processes_end_with_identical_weights(splits, tmp_path):
    train, val = splits
    driver = REPO_ROOT / "tests" / "ddp_driver.py"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc-per-node",
            "2",
            "--master-port",
            "29517",
            str(driver),
            str(train),
            str(val),
            str(tmp_path / "ddp"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    checksums = [
        json.loads(line) for line in (tmp_path / "ddp" / "checksums.jsonl").read_text().splitlines()
    ]
    assert len(checksums) == 2 and checksums[0]["rank"] != checksums[1]["rank"]
    assert checksums[0]["sums"] == checksums[1]["sums"]
    assert checksums[0]["steps"] == 3


@pytest.mark.slow
def test_ctrl_c_leaves_a_resumable_checkpoint(splits, tmp_path):
    import signal
    import time

    train, val = splits
    out = tmp_path / "interrupted"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "model_core.train",
            "--train-data",
            str(train),
            "--val-data",
            str(val),
            "--out",
            str(out),
            "--epochs",
            "500",
            *FAST,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = out / "metrics.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (log.exists() and log.read_text().count("\n") >= 3):
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr[-2000:]
    state = json.loads((out / "last" / "trainer_state.json").read_text())
    assert state["progress"]["step"] >= 3
    args = ["--train-data", str(train), "--val-data", str(val), "--out", str(out), *FAST]
    assert train_main([*args, "--epochs", str(state["progress"]["epoch"] + 1), "--resume"]) == 0
