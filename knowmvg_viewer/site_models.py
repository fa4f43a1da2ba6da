"""The site's models (issue 13): the bundled default and every model fine-tuned here, listed
for Settings, and a new one fine-tuned from the review store for the viewer's worker. Qt-free.

Models the viewer fine-tunes go to the user data folder's `models/` (beside the reviews they
came from), each in its own directory, and are never overwritten: rolling back is choosing an
older one. A model fine-tuned with `knowmvg finetune --out` elsewhere is listed once it is the
chosen model directory, or when it is moved into that folder.

Torch is imported only inside `fine_tune_from_reviews`, which runs in the worker.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from model_core.resources import default_model_dir

from .review import ReviewStore
from .user_folders import user_folder

log = logging.getLogger(__name__)

MODELS_FOLDER = "models"
MODEL_FILES = ("config.json", "model.safetensors")  # what makes a folder a model directory
STALE_PART_S = 24 * 3600  # a hidden .part folder this old is a killed job's leftover

Progress = Callable[[str, int, int], None]  # phase, done, total


def models_folder() -> Path:
    """Where the viewer writes the models it fine-tunes (not created here)."""
    return user_folder("data") / MODELS_FOLDER


@dataclass(frozen=True)
class InstalledModel:
    """One model directory, with what its metrics.json says of its lineage."""

    path: Path
    name: str
    bundled: bool = False
    base: str = ""  # the model it was fine-tuned from
    created: str = ""  # ISO time the fine-tune wrote it
    site_studies: int = 0
    held_out_ap50: tuple[float, float] | None = None  # before, after (site held-out part)

    @property
    def label(self) -> str:
        """One line for a list: the name and, for a site model, where it came from."""
        if self.bundled:
            return f"{self.name} (bundled default)"
        if not self.base:
            return self.name
        when = self.created[:16].replace("T", " ")
        return f"{self.name} (from {self.base}{', ' + when if when else ''})"

    def summary(self) -> str:
        """What Settings shows under the list: the lineage and the held-out scores."""
        if self.bundled:
            return "The model shipped with the viewer, trained on synthetic studies."
        if not self.base:
            return f"{self.path}: a model directory without a fine-tuning record."
        line = f"Fine-tuned from {self.base} on {self.site_studies} reviewed site studies"
        if self.held_out_ap50 is not None:
            before, after = self.held_out_ap50
            line += f"; held-out site AP50 {before:.1f} → {after:.1f}"
        return f"{line}. {self.path}"


def read_model(path: Path, bundled: bool = False) -> InstalledModel | None:
    """The model at PATH, or None when PATH is not a model directory."""
    path = Path(path)
    if not all((path / name).is_file() for name in MODEL_FILES):
        return None
    try:
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        metrics = {}
    lineage = metrics.get("lineage") if isinstance(metrics, dict) else None
    if not isinstance(lineage, dict) or not isinstance(lineage.get("base"), dict):
        return InstalledModel(path, path.name, bundled)
    scores = metrics.get("held_out_phrase_given") or {}
    try:
        ap50 = (float(scores["before"]["AP50"]), float(scores["after"]["AP50"]))
    except (KeyError, TypeError, ValueError):
        ap50 = None
    split = lineage.get("split") or {}
    studies = sum(int(split.get(k) or 0) for k in ("train_studies", "held_out_studies"))
    return InstalledModel(
        path=path,
        name=path.name,
        bundled=bundled,
        base=str(lineage["base"].get("name") or ""),
        created=str(lineage.get("created") or ""),
        site_studies=studies,
        held_out_ap50=ap50,
    )


def installed_models(also: Iterable[Path | str] = ()) -> list[InstalledModel]:
    """The bundled default, the site's models (newest first), then any of ALSO (a chosen
    directory elsewhere) that is a model directory and not listed yet."""
    models: list[InstalledModel] = []
    bundled = read_model(default_model_dir(), bundled=True)
    if bundled is not None:
        models.append(bundled)
    folder = models_folder()
    site = []
    if folder.is_dir():
        for child in folder.iterdir():
            if child.name.startswith(".") or not child.is_dir():
                continue  # a fine-tune still being written is hidden
            model = read_model(child)
            if model is not None:
                site.append(model)
    models += sorted(site, key=lambda m: (m.created, m.name), reverse=True)
    listed = {m.path.resolve() for m in models}
    for path in also:
        path = Path(path)
        if path.resolve() not in listed and (model := read_model(path)):
            models.append(model)
            listed.add(path.resolve())
    return models


def sweep_stale_parts(max_age_s: float = STALE_PART_S) -> list[Path]:
    """Remove the hidden `.<name>.<hex>.part` folders a fine-tune killed while writing left
    in the models folder (a cancelled or failed one removes its own); those older than
    MAX_AGE_S only, so a job writing now is never touched. The folders removed."""
    folder = models_folder()
    if not folder.is_dir():
        return []
    removed = []
    now = time.time()
    for child in folder.iterdir():
        if not (child.name.startswith(".") and child.name.endswith(".part")):
            continue
        try:
            stale = (
                child.is_dir()
                and not child.is_symlink()
                and now - child.stat().st_mtime > max_age_s
            )
        except OSError:
            continue
        if stale:
            shutil.rmtree(child, ignore_errors=True)
            log.info("removed %s, left by a fine-tune that did not finish", child)
            removed.append(child)
    return removed


def new_model_dir(base: Path, now: datetime | None = None) -> Path:
    """A directory name for a model fine-tuned from BASE that nothing holds yet."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    stem = f"{_base_stem(base)}-site-{stamp}"
    folder = models_folder()
    candidate, n = folder / stem, 2
    while candidate.exists():
        candidate, n = folder / f"{stem}-{n}", n + 1
    return candidate


def _base_stem(base: Path) -> str:
    """`knowmvg-tiny-site-20261207-0815` fine-tuned again stays `knowmvg-tiny-site-…`."""
    name = base.name
    return name.split("-site-")[0] if "-site-" in name else name


def fine_tune_from_reviews(
    store: ReviewStore,
    base: Path,
    out: Path,
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    **settings,
):
    """Export the store's complete reviews as a site dataset (in a scratch folder, gone
    afterwards) and fine-tune BASE on it into OUT, as `knowmvg dataset export` followed by
    `knowmvg finetune` would; SETTINGS are FineTuneSettings fields (device, threads, ...),
    the rest its defaults. Returns the FineTuneResult.

    SiteDatasetError when no review can be exported; FineTuneError when the studies are
    too few to split; FineTuneCancelled when CANCEL is set; nothing is left at OUT then."""
    from model_core.finetune import FineTuneSettings, finetune  # torch: the worker only

    from .site_dataset import export_site_dataset

    report = progress or (lambda phase, done, total: None)
    sweep_stale_parts()
    with tempfile.TemporaryDirectory(prefix="knowmvg-site-data-") as scratch:
        report("export", 0, 1)
        data = Path(scratch) / "site"
        summary = export_site_dataset(store, data)
        log.info("%s", summary.line())
        report("export", 1, 1)
        command = (
            f"knowmvg dataset export --reviews {store.folder} --out SITE && "
            f"knowmvg finetune --model {base} --data SITE --out {out}  (from the viewer)"
        )
        return finetune(
            base,
            data,
            out,
            FineTuneSettings(**settings),
            command=command,
            cancel=cancel,
            progress=report,
        )
