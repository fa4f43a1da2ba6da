"""scripts/ablation_table.py: mean +/- sd per row over seeds, the target check, metrics.json."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from .conftest import REPO_ROOT

spec = importlib.util.spec_from_file_location(
    "ablation_table", REPO_ROOT / "scripts" / "ablation_table.py"
)
ablation_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ablation_table)
RUN_SCRIPT = REPO_ROOT / "scripts" / "run_ablation.sh"


def _runs(tmp_path, rows: dict[str, list[float]]):
    for row, ap50s in rows.items():
        for seed, ap50 in enumerate(ap50s):
            folder = tmp_path / row / f"seed{seed}"
            folder.mkdir(parents=True)
            scores = {"n": 10, "AP10": 95.0, "AP30": 90.0, "AP50": ap50, "mIoU": ap50 - 10}
            (folder / "test_metrics.json").write_text(json.dumps({"phrase_given": scores}))
    return tmp_path


def test_rows_get_mean_and_sd_over_seeds_and_the_target_is_checked(tmp_path):
    runs = _runs(tmp_path, {"baseline": [80.0, 81.0, 82.0], "full": [85.0, 86.0, 84.0]})
    record = ablation_table.ablation(runs, steps=2000)
    assert record["rows"]["baseline"]["AP50"] == {"mean": 81.0, "sd": 1.0}
    assert record["rows"]["full"]["seeds"] == 3
    assert record["full_minus_baseline_AP50"] == 4.0 and record["target_met"]
    table = ablation_table.markdown(record)
    assert "| full | 3 | 95.0 ± 0.0 | 90.0 ± 0.0 | 85.0 ± 1.0 | 75.0 ± 1.0 |" in table


def test_overlapping_spreads_do_not_meet_the_target(tmp_path):
    runs = _runs(tmp_path, {"baseline": [78.0, 82.0, 86.0], "full": [83.0, 85.0, 87.0]})
    record = ablation_table.ablation(runs, steps=None)
    assert record["full_minus_baseline_AP50"] == 3.0 and not record["target_met"]


def test_the_record_goes_into_metrics_json_beside_what_is_there(tmp_path):
    runs = _runs(tmp_path / "runs", {"baseline": [80.0], "full": [84.0]})
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"model": "knowmvg-tiny"}))
    assert ablation_table.main([str(runs), "--steps", "5", "--metrics", str(metrics)]) == 0
    document = json.loads(metrics.read_text())
    assert document["model"] == "knowmvg-tiny"
    assert document["ablation"]["steps_per_run"] == 5
    assert document["ablation"]["rows"]["full"]["AP50"]["sd"] is None  # one seed: no spread
    assert document["ablation"]["complete"] is False and not document["ablation"]["target_met"]


def test_the_table_is_complete_with_four_rows_of_three_seeds(tmp_path):
    rows = {r: [80.0, 81.0, 82.0] for r in ("baseline", "knowledge-prompts", "global-local")}
    runs = _runs(tmp_path, {**rows, "full": [85.0, 86.0]})
    assert ablation_table.ablation(runs, steps=None)["complete"] is False
    third = runs / "full" / "seed2"
    third.mkdir()
    third.joinpath("test_metrics.json").write_text(
        (runs / "full" / "seed0" / "test_metrics.json").read_text()
    )
    assert ablation_table.ablation(runs, steps=None)["complete"] is True


def test_no_runs_is_an_error(tmp_path, capsys):
    assert ablation_table.main([str(tmp_path)]) == 2
    assert "no finished runs" in capsys.readouterr().err


@pytest.mark.parametrize("row", list(ablation_table.ROWS))
def test_every_row_of_the_run_script_is_read(row):
    assert f"[{row}]=" in RUN_SCRIPT.read_text()


def _run_script_setup(tmp_path, stand_in: str) -> tuple:
    """A data folder, a runs folder with its tokenizer, and the environment that makes the
    run script call STAND_IN (a bash script logging to $CALLS) in place of python."""
    import os

    data, runs = tmp_path / "data", tmp_path / "runs"
    (data / "train").mkdir(parents=True)
    (runs / "tokenizer").mkdir(parents=True)
    (runs / "tokenizer" / "tokenizer.json").write_text("{}")
    python = tmp_path / "python"
    python.write_text(stand_in)
    python.chmod(0o755)
    calls = tmp_path / "calls.log"
    env = {**os.environ, "PYTHON": str(python), "CALLS": str(calls)}
    return data, runs, calls, env


FAKE_PYTHON = """#!/usr/bin/env bash
# stands in for python: logs each training call; an evaluation writes its scores
echo "$*" >> "$CALLS"
if [ "$2" = model_core.evaluate_split ]; then
    while [ $# -gt 0 ]; do [ "$1" = --json ] && echo '{"phrase_given": {}}' > "$2"; shift; done
fi
"""


def test_the_run_script_resumes_a_stopped_run_and_skips_a_finished_one(tmp_path):
    import subprocess

    data, runs, calls, env = _run_script_setup(tmp_path, FAKE_PYTHON)
    (runs / "baseline" / "seed0" / "last").mkdir(parents=True)  # stopped after a checkpoint
    (runs / "baseline" / "seed0" / "last" / "trainer_state.json").write_text("{}")
    (runs / "full" / "seed0").mkdir(parents=True)  # finished
    (runs / "full" / "seed0" / "test_metrics.json").write_text('{"phrase_given": {}}')
    subprocess.run(["bash", str(RUN_SCRIPT), str(data), str(runs), "10", "0"], env=env, check=True)
    trained = {
        line.split("--out ")[1].split()[0]: line
        for line in calls.read_text().splitlines()
        if "model_core.train" in line
    }
    assert set(trained) == {
        str(runs / r / "seed0") for r in ("baseline", "knowledge-prompts", "global-local")
    }
    assert "--resume" in trained[str(runs / "baseline" / "seed0")]
    assert "--resume" not in trained[str(runs / "global-local" / "seed0")]
    assert all("--max-steps 10" in line for line in trained.values())


def test_the_run_script_runs_only_the_rows_asked_for_and_refuses_an_unknown_one(tmp_path):
    import subprocess

    data, runs, calls, env = _run_script_setup(tmp_path, FAKE_PYTHON)
    args = ["bash", str(RUN_SCRIPT), str(data), str(runs), "10", "0", "1"]
    subprocess.run(args, env={**env, "ROWS": "baseline full"}, check=True)
    trained = [line for line in calls.read_text().splitlines() if "model_core.train" in line]
    assert sorted(line.split("--out ")[1].split()[0] for line in trained) == [
        str(runs / row / f"seed{seed}") for row in ("baseline", "full") for seed in (0, 1)
    ]
    calls.unlink()
    refused = subprocess.run(
        args, env={**env, "ROWS": "baseline fulll"}, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "unknown row 'fulll'" in refused.stderr
    assert not calls.exists()  # refused before anything ran


STOPPABLE_PYTHON = """#!/usr/bin/env bash
# stands in for a trainer that runs until stopped, and says so when it is
[ "$2" = model_core.train ] || exit 0
trap 'echo stopped >> "$CALLS"; exit 130' TERM
echo started >> "$CALLS"
sleep 60 & wait
"""


def test_stopping_the_run_script_stops_its_runs(tmp_path):
    import signal
    import subprocess
    import time

    data, runs, calls, env = _run_script_setup(tmp_path, STOPPABLE_PYTHON)
    process = subprocess.Popen(
        ["bash", str(RUN_SCRIPT), str(data), str(runs), "10", "0"],
        env={**env, "PARALLEL": "2"},
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal's background: the script's own jobs ignore SIGINT
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (
        not calls.exists() or calls.read_text().count("started") < 2
    ):
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert calls.read_text().split() == ["started", "started", "stopped", "stopped"]
    assert "saves a checkpoint" in stderr


breakdown_spec = importlib.util.spec_from_file_location(
    "ablation_breakdown", REPO_ROOT / "scripts" / "ablation_breakdown.py"
)
ablation_breakdown = importlib.util.module_from_spec(breakdown_spec)
sys.modules["ablation_breakdown"] = ablation_breakdown  # its dataclass looks itself up there
breakdown_spec.loader.exec_module(ablation_breakdown)


def test_the_breakdown_groups_by_finding_then_by_whether_a_location_is_named():
    groups = [("nodule", True), ("nodule", False), ("cardiomegaly", False), ("nodule", True)]
    columns = {"a": [0.6, 0.4, 0.9, 0.2], "b": [0.1, 0.7, 0.5, 0.5]}
    summary = ablation_breakdown.summarise(groups, columns)
    assert list(summary) == ["cardiomegaly", "nodule", "(names a location)", "(no location word)"]
    assert summary["nodule"]["n"] == 3
    assert summary["nodule"]["a"] == {"AP50": 33.3, "mIoU": 40.0}
    assert summary["(names a location)"]["b"] == {"AP50": 50.0, "mIoU": 30.0}
    assert summary["(no location word)"]["a"] == {"AP50": 50.0, "mIoU": 65.0}


def test_the_breakdown_by_width_bands_one_findings_phrases_at_the_model_input():
    record = ablation_breakdown.PhraseRecord
    records = [
        record("nodule", True, 0.0, 0.0, 4.0),
        record("nodule", True, 0.0, 0.0, 6.0),  # a band's lower edge belongs to it
        record("nodule", False, 0.0, 0.0, 13.0),
        record("mass", True, 0.0, 0.0, 5.0),  # another finding: not banded
    ]
    columns = {"m": [0.2, 0.6, 0.8, 0.9]}
    summary = ablation_breakdown.by_width("nodule", records, columns)
    assert list(summary) == ["nodule <6 px", "nodule 6-9 px", "nodule >=12 px"]
    assert summary["nodule <6 px"] == {"n": 1, "m": {"AP50": 0.0, "mIoU": 20.0}}
    assert summary["nodule 6-9 px"]["m"]["AP50"] == 100.0
