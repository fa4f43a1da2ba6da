"""Fine-tuning a site model (issue 13): lineage, BASE untouched, bad input, cancel, the split.

A tiny random model (conftest `model_dir`) and a small synthetic site dataset in the MS-CXR
layout; a few training steps, no replay (the synthetic generator is slow for a test).
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import threading
from pathlib import Path

import pytest
import torch

from knowmvg_viewer.cli import main as knowmvg
from model_core.data.synthetic import write_ms_cxr
from model_core.engine import GroundingEngine
from model_core.finetune import (
    MIN_STUDIES,
    FineTuneCancelled,
    FineTuneError,
    FineTuneSettings,
    finetune,
    split_studies,
)

FAST = dict(steps=2, minutes=None, batch_size=4, replay=0, warmup_steps=1, device="cpu")


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """12 synthetic studies (test-range seeds) in the MS-CXR layout, drawn small."""
    root = tmp_path_factory.mktemp("site")
    write_ms_cxr(root, range(20_900_000, 20_900_012), size=160)
    return root


@pytest.fixture(scope="module")
def finetuned(model_dir, site, tmp_path_factory):
    out = tmp_path_factory.mktemp("new") / "site-model"
    before = _hashes(model_dir)
    phases = []
    result = finetune(
        model_dir,
        site,
        out,
        FineTuneSettings(held_out=0.25, **FAST),
        command="knowmvg finetune (test)",
        progress=lambda phase, done, total: phases.append((phase, done, total)),
    )
    return result, out, before, phases


def test_finetune_writes_a_new_model_with_its_lineage(finetuned, model_dir, site):
    result, out, _, phases = finetuned
    for name in ("config.json", "model.safetensors", "tokenizer.json", "MODEL_CARD.md"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    lineage = metrics["lineage"]
    assert lineage["base"]["path"] == str(model_dir.resolve())
    assert lineage["base"]["weights_sha256"] == _hashes(model_dir)["model.safetensors"]
    assert lineage["site_data"]["path"] == str(site.resolve())
    assert lineage["site_data"]["studies"] == 12
    assert lineage["split"]["train_studies"] == 9 and lineage["split"]["held_out_studies"] == 3
    assert lineage["command"] == "knowmvg finetune (test)"
    assert metrics["training"]["steps"] == 2 == result.steps
    assert set(metrics["held_out_phrase_given"]) == {"before", "after"}
    assert metrics["calibration"] == result.calibration == "none (the base model has none)"
    assert result.before["n"] == result.after["n"] > 0
    card = (out / "MODEL_CARD.md").read_text()
    assert model_dir.name in card and "knowmvg finetune (test)" in card
    assert f"{result.before['AP50']:.1f}" in card
    assert [p for p, d, t in phases if p == "train"] == ["train", "train"]
    assert _leftovers(out) == []
    engine = GroundingEngine.load(out, device="cpu")  # a usable model directory
    assert engine.tokenizer.vocab_size == GroundingEngine.load(model_dir).tokenizer.vocab_size


def test_finetune_leaves_the_base_untouched_and_trains(finetuned, model_dir):
    _, out, before, _ = finetuned
    assert _hashes(model_dir) == before
    assert _hashes(out)["model.safetensors"] != before["model.safetensors"]  # it did train


def test_the_progress_bar_expects_the_steps_the_time_budget_allows():
    from model_core.finetune import expected_steps

    assert expected_steps(10, 600, math.inf, 5.0) == 600  # no time budget
    assert expected_steps(10, 600, 60.0, 5.0) == 120  # 2 steps a second for a minute
    assert expected_steps(10, 600, 600.0, 5.0) == 600  # the steps end it first
    assert expected_steps(10, 0, 60.0, 5.0) == 120  # a time budget alone
    assert expected_steps(10, 0, math.inf, 5.0) == 0  # unknown
    assert expected_steps(50, 600, 60.0, 61.0) == 50  # over time: this is the last step


def test_the_held_out_split_is_by_study_and_seeded():
    ids = [f"study-{i:02d}" for i in range(40)]
    first = split_studies(ids + ids[:5], 0.2, seed=3, data=Path("site"))
    assert first == split_studies(list(reversed(ids)), 0.2, seed=3, data=Path("site"))
    assert len(first.held_out) == 8 and len(first.train) == 32
    assert set(first.held_out).isdisjoint(first.train)
    assert set(first.held_out) | set(first.train) == set(ids)
    assert split_studies(ids, 0.2, seed=4, data=Path("site")).held_out != first.held_out


def test_held_out_studies_are_not_trained_on(finetuned, site):
    result, out, _, _ = finetuned
    held = json.loads((out / "metrics.json").read_text())["lineage"]["split"]["held_out_ids"]
    assert len(held) == result.studies["held_out"] == 3
    rows = (site / "MS_CXR_Local_Alignment_synthetic.csv").read_text().splitlines()[1:]
    held_rows = [r for r in rows if r.split(",")[0] in held]
    assert result.before["n"] == len({(r.split(",")[0], r.split(",")[2]) for r in held_rows})


def test_too_few_studies_are_refused(model_dir, site, tmp_path):
    with pytest.raises(FineTuneError, match=f"9 studies; fine-tuning needs at least {MIN_STUDIES}"):
        split_studies([str(i) for i in range(9)], 0.5, 0, site)
    with pytest.raises(FineTuneError, match="held-out part of 0.1 x 12 studies has 1"):
        finetune(model_dir, site, tmp_path / "new", FineTuneSettings(held_out=0.1, **FAST))
    assert not (tmp_path / "new").exists() and _leftovers(tmp_path / "new") == []


def test_new_must_be_a_new_folder_outside_the_base(model_dir, site, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    for out, reason in (
        (taken, "already exists"),
        (model_dir, "already exists"),
        (model_dir / "site", "inside the base model"),
    ):
        with pytest.raises(FineTuneError, match=reason):
            finetune(model_dir, site, out, FineTuneSettings(**FAST))
    assert not (model_dir / "site").exists()
    with pytest.raises(FineTuneError, match="no such site dataset"):
        finetune(model_dir, tmp_path / "missing", tmp_path / "new", FineTuneSettings(**FAST))


def test_a_cancelled_fine_tune_leaves_nothing(model_dir, site, tmp_path):
    out = tmp_path / "cancelled"
    cancel = threading.Event()

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "train" and done >= 1:
            cancel.set()

    before = _hashes(model_dir)
    settings = FineTuneSettings(held_out=0.25, **{**FAST, "steps": 50})
    with pytest.raises(FineTuneCancelled):
        finetune(model_dir, site, out, settings, cancel=cancel, progress=progress)
    assert not out.exists() and _leftovers(out) == []
    assert _hashes(model_dir) == before


def test_cli_finetune(model_dir, site, tmp_path, capsys):
    out = tmp_path / "cli-model"
    common = ["finetune", "--model", str(model_dir), "--data", str(site), "--device", "cpu"]
    fast = ["--steps", "1", "--batch-size", "4", "--replay", "0"]
    assert knowmvg([*common, "--out", str(out), *fast, "--held-out", "0.1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs at least 3" in err[0]
    assert knowmvg([*common, "--out", str(out), *fast, "--held-out", "0.7"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "held-out fraction must be in (0, 0.5]" in err[0]
    assert knowmvg([*common, "--out", str(out), *fast, "--held-out", "0.25", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["steps"] == 1 and printed["out"] == str(out)
    card = json.loads((out / "metrics.json").read_text())
    assert card["lineage"]["command"].startswith("knowmvg finetune --model")
    assert knowmvg([*common, "--out", str(out), *fast]) == 2  # never over an existing model
    assert "already exists" in capsys.readouterr().err


def test_cli_ctrl_c_leaves_nothing_and_exits_2(model_dir, site, tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("model_core.finetune.fit", interrupted)
    out = tmp_path / "interrupted"
    argv = ["finetune", "--model", str(model_dir), "--data", str(site), "--out", str(out)]
    assert knowmvg([*argv, "--device", "cpu", "--replay", "0", "--held-out", "0.25"]) == 2
    assert capsys.readouterr().err.strip() == f"{out}: fine-tune cancelled; nothing was written"
    assert not out.exists() and _leftovers(out) == []


def test_cli_site_problems_are_listed_and_exit_2(model_dir, site, tmp_path, capsys):
    damaged = tmp_path / "site"
    shutil.copytree(site, damaged)
    table = damaged / "MS_CXR_Local_Alignment_synthetic.csv"
    first = table.read_text().splitlines()[1].split(",")
    first[4] = "not-a-number"  # x
    with table.open("a") as handle:
        handle.write(",".join(first) + "\n")
    out = tmp_path / "model"
    argv = ["finetune", "--model", str(model_dir), "--data", str(damaged), "--out", str(out)]
    assert (
        knowmvg([*argv, "--device", "cpu", "--steps", "1", "--replay", "0", "--held-out", "0.25"])
        == 2
    )
    assert "1 row(s) or film(s) left out" in capsys.readouterr().err
    problems = json.loads((out / "metrics.json").read_text())["problems"]
    assert len(problems) == 1 and "bad number" in problems[0]
    assert "bad number" in (out / "MODEL_CARD.md").read_text()


def test_a_base_size_model_fine_tunes_its_lora_adapters(site, tmp_path):
    """The `base` path (LoRA on a local LLaVA, a local SAM) at toy shapes on a CPU: the
    adapters and heads train, the frozen LM stays out of the checkpoint, the result loads."""
    from safetensors.torch import load_file

    from model_core.knowledge import KnowledgeBase
    from model_core.modeling.knowmvg import WEIGHTS_NAME, KnowMVGModel
    from model_core.text.tokenizer import ReportTokenizer

    from .conftest import ENGINE_TEST_REPORT
    from .test_model import _tiny_llava_and_sam, toy_base_config

    llava, sam = _tiny_llava_and_sam(tmp_path)
    knowledge = KnowledgeBase.load()
    tokenizer = ReportTokenizer.train([ENGINE_TEST_REPORT] * 20, vocab_size=160)
    config = toy_base_config(
        llava,
        sam,
        tokenizer,
        region_ids=list(knowledge.region_ids),
        region_boxes=[list(r.box) for r in knowledge.regions],
    )
    torch.manual_seed(0)
    KnowMVGModel(config, load_pretrained=True).eval().save_pretrained(tmp_path / "base", tokenizer)
    out = tmp_path / "site-base"
    result = finetune(tmp_path / "base", site, out, FineTuneSettings(held_out=0.25, **FAST))
    before, after = load_file(tmp_path / "base" / WEIGHTS_NAME), load_file(out / WEIGHTS_NAME)
    assert before.keys() == after.keys() and result.steps == FAST["steps"]
    lora = [k for k in after if "lora_" in k]
    assert lora and any(not torch.equal(before[k], after[k]) for k in lora)
    assert not any("q_proj.base_layer" in k for k in after)  # the frozen LM is not saved
    assert GroundingEngine.load(out, device="cpu").describe()["size"] == "base"
