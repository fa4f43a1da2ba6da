"""The site's models (issue 13): fine-tuning from the review store as the viewer's worker does,
the installed models Settings lists (bundled first, then the site's newest first), and new
model names that never replace anything. Qt-free."""

from __future__ import annotations

import functools
import json
import shutil
import threading
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from knowmvg_viewer.review import ReviewStore, StudyReview
from knowmvg_viewer.site_dataset import SiteDatasetError
from knowmvg_viewer.site_models import (
    fine_tune_from_reviews,
    installed_models,
    models_folder,
    new_model_dir,
    read_model,
)
from model_core.data.synthetic import display_image, generate_study
from model_core.finetune import MIN_STUDIES, FineTuneCancelled, FineTuneError
from model_core.resources import default_model_dir

FAST = dict(
    steps=2, minutes=None, held_out=0.25, batch_size=4, replay=0, warmup_steps=1, device="cpu"
)
FILM_SIDE = 160
READER = "Dr Site"


@functools.cache
def _study(seed: int):
    return generate_study(seed, size=FILM_SIDE)


def reviewed_store(folder: Path, n_studies: int) -> ReviewStore:
    """N_STUDIES synthetic studies (test-range seeds), each reviewed completely from its
    truth: the model's (empty) output plus every boxed true finding added by the reviewer."""
    store = ReviewStore(folder)
    for seed in range(20_950_000, 20_950_000 + n_studies):
        study = _study(seed)
        film = np.round(display_image(study) * 255).astype(np.uint8)
        uid = f"1.2.826.0.1.3680043.8.498.{seed}"
        review = StudyReview.start(
            uid, [f"{uid}.1"], f"{uid}.1", {"name": "knowmvg-tiny", "version": "0"}, []
        )
        for phrase in study.phrases:
            if phrase.boxes:
                review.add(phrase.text, phrase.span, tuple(map(float, phrase.boxes[0])), READER)
        store.save(review)
        store.save_film(uid, film)
    return store


@pytest.fixture(scope="module")
def site_store(tmp_path_factory) -> ReviewStore:
    return reviewed_store(tmp_path_factory.mktemp("reviews"), MIN_STUDIES + 2)


def _model_copy(model_dir: Path, at: Path, metrics: dict | None = None) -> Path:
    shutil.copytree(model_dir, at)
    if metrics is not None:
        (at / "metrics.json").write_text(json.dumps(metrics))
    return at


def _lineage(base: str, created: str) -> dict:
    return {
        "lineage": {
            "base": {"name": base},
            "created": created,
            "split": {"train_studies": 40, "held_out_studies": 10},
        },
        "held_out_phrase_given": {"before": {"AP50": 12.5}, "after": {"AP50": 31.0}},
    }


def test_a_fine_tune_from_reviews_writes_a_listed_model_with_its_lineage(
    model_dir, site_store, tmp_path
):
    out = new_model_dir(model_dir, now=datetime(2026, 12, 7, 9, 30))
    assert out == models_folder() / f"{model_dir.name}-site-20261207-0930"
    phases = []
    result = fine_tune_from_reviews(
        site_store, model_dir, out, progress=lambda *p: phases.append(p), **FAST
    )
    assert result.out == out and result.studies["train"] + result.studies["held_out"] == 12
    assert phases[0] == ("export", 0, 1) and phases[-1] == ("write", 1, 1)
    assert ("train", 2, 2) in phases
    metrics = json.loads((out / "metrics.json").read_text())
    assert "knowmvg dataset export --reviews" in metrics["lineage"]["command"]
    model = read_model(out)
    assert model.base == model_dir.name and model.site_studies == 12
    assert model.held_out_ap50 == (result.before["AP50"], result.after["AP50"])
    listed = installed_models()
    assert [m.bundled for m in listed] == [True, False] and listed[1].path == out
    assert "held-out site AP50" in listed[1].summary() and model_dir.name in listed[1].label
    assert not any(p.name.startswith(".") for p in out.parent.iterdir())  # no scratch left


def test_too_few_reviewed_studies_are_refused_and_nothing_is_written(model_dir, tmp_path):
    store = reviewed_store(tmp_path / "few", MIN_STUDIES - 1)
    out = tmp_path / "models" / "new"
    with pytest.raises(FineTuneError, match="studies"):
        fine_tune_from_reviews(store, model_dir, out, **FAST)
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    with pytest.raises(SiteDatasetError):
        fine_tune_from_reviews(ReviewStore(tmp_path / "none"), model_dir, out, **FAST)


def test_a_cancelled_fine_tune_from_reviews_leaves_no_model(model_dir, site_store, tmp_path):
    cancel = threading.Event()
    out = tmp_path / "models" / "cancelled"

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "train":
            cancel.set()

    with pytest.raises(FineTuneCancelled):
        fine_tune_from_reviews(
            site_store, model_dir, out, cancel=cancel, progress=progress, **{**FAST, "steps": 50}
        )
    assert not out.exists() and (not out.parent.exists() or list(out.parent.iterdir()) == [])


def test_installed_models_are_the_bundled_then_the_sites_newest_first(model_dir, tmp_path):
    folder = models_folder()
    older = _model_copy(
        model_dir, folder / "a-site-1", _lineage("knowmvg-tiny", "2026-12-01T08:00")
    )
    newer = _model_copy(model_dir, folder / "b-site-2", _lineage("a-site-1", "2026-12-05T08:00"))
    _model_copy(model_dir, folder / ".c-site-3.1234.part")  # still being written
    (folder / "notes").mkdir()  # not a model directory
    (folder / "half").mkdir()
    (folder / "half" / "config.json").write_text("{}")
    elsewhere = _model_copy(model_dir, tmp_path / "elsewhere")
    listed = installed_models([elsewhere, newer, tmp_path / "missing"])
    assert [m.path for m in listed] == [default_model_dir(), newer, older, elsewhere]
    assert listed[0].bundled and "bundled default" in listed[0].label
    assert listed[1].label == "b-site-2 (from a-site-1, 2026-12-05 08:00)"
    assert listed[1].held_out_ap50 == (12.5, 31.0) and listed[1].site_studies == 50
    assert listed[3].base == "" and "without a fine-tuning record" in listed[3].summary()


def test_a_damaged_metrics_file_still_lists_the_model(model_dir):
    folder = models_folder()
    model = _model_copy(model_dir, folder / "damaged")
    (model / "metrics.json").write_bytes(b"\x00{not json")
    assert read_model(model).name == "damaged"
    (model / "metrics.json").write_text(json.dumps({"lineage": {"base": "not a dict"}}))
    assert read_model(model).base == ""


def test_new_model_names_keep_the_first_base_and_never_collide(tmp_path):
    when = datetime(2026, 12, 7, 10, 0)
    first = new_model_dir(Path("/models/knowmvg-tiny"), now=when)
    assert first.name == "knowmvg-tiny-site-20261207-1000"
    first.mkdir(parents=True)
    second = new_model_dir(Path("/models/knowmvg-tiny"), now=when)
    assert second.name == "knowmvg-tiny-site-20261207-1000-2"
    again = new_model_dir(first, now=datetime(2026, 12, 8, 7, 5))
    assert again.name == "knowmvg-tiny-site-20261208-0705"


def test_a_killed_jobs_leftover_is_swept_once_stale_and_a_running_one_is_kept():
    import os
    import time

    from knowmvg_viewer.site_models import STALE_PART_S, sweep_stale_parts

    folder = models_folder()
    old, fresh = folder / ".a-site-1.0a1b.part", folder / ".b-site-2.2c3d.part"
    for part in (old, fresh):
        (part / "sub").mkdir(parents=True)
    (folder / "kept-model").mkdir()
    long_ago = time.time() - STALE_PART_S - 60
    os.utime(old, (long_ago, long_ago))
    assert sweep_stale_parts() == [old]
    assert not old.exists() and fresh.exists() and (folder / "kept-model").exists()
