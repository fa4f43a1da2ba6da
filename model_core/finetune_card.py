"""The model card of a fine-tuned site model: its lineage and before/after scores, written
from the same dict as its metrics.json (model_core.finetune)."""

from __future__ import annotations


def model_card(metrics: dict) -> str:
    lineage, training = metrics["lineage"], metrics["training"]
    base, site, split = lineage["base"], lineage["site_data"], lineage["split"]
    card = site.get("card") or {}
    before = metrics["held_out_phrase_given"]["before"]
    after = metrics["held_out_phrase_given"]["after"]
    settings = training["settings"]
    reviewers = ", ".join(card.get("reviewers") or []) or "not recorded"
    reviewed_models = (
        ", ".join(f"{m.get('name')} {m.get('version')}" for m in card.get("models") or [])
        or "not recorded"
    )
    rows = "\n".join(
        f"| {key} | {before[key]:.1f} | {after[key]:.1f} | {after[key] - before[key]:+.1f} |"
        for key in ("AP10", "AP30", "AP50", "mIoU")
    )
    problems = "".join(f"\n- {line}" for line in metrics["problems"]) or " none"
    return f"""# {metrics["model"]} (site fine-tune of {base["name"]})

**Intended use: as for the base model, demonstration and research on report-guided visual
grounding. It is not a medical device and its output is not a diagnosis.** It was fine-tuned
on one site's reviewed studies; check it on that site's films before relying on it, and do
not expect it to transfer to other sites.

## Lineage
- Base model: `{base["name"]}` at `{base["path"]}` (model.safetensors sha256
  `{base["weights_sha256"]}`){_base_note(base)}. The base directory was only read.
- Site data: `{site["path"]}`: {site["studies"]} studies{_card_counts(card)};
  reviewers: {reviewers}; output of: {reviewed_models}; exported {card.get("created", "?")}.
- Split by study (seed {split["seed"]}, held-out fraction {split["held_out_fraction"]:g}):
  {split["train_studies"]} studies trained on, {split["held_out_studies"]} held out (never
  trained on, never used to choose weights; their ids are in metrics.json).
- Command: `{lineage["command"] or "finetune() from Python"}`
- Created: {lineage["created"]} (UTC)

## Training
Warm-started from every weight of the base model, with its config and tokenizer
(for the `base` size, its LoRA adapters and the grounding heads are what trains).
{training["steps"]} optimiser steps in {training["minutes"]:.1f} min on {training["device"]}
(budget: {_budget(settings)}): AdamW, learning rate
{settings["lr"]:g} after {settings["warmup_steps"]} warm-up steps, cosine decay, batch
{settings["batch_size"]}. {training["site_training_phrases"]} site phrases, each its own
report (the MS-CXR layout has none), and {training["replay_synthetic_studies"]} synthetic
training studies of the base's own distribution replayed beside them, so the model keeps
what it knew.

## Held-out site studies, phrase given (before = the base model)
{before["n"]} phrases of {split["held_out_studies"]} studies. AP@t = % of phrases with
IoU >= t; mIoU = 100 x mean IoU.

| metric | before | after | change |
|---|---|---|---|
{rows}

A small held-out part gives wide error bars: with n phrases, one phrase moves AP by
{100 / max(1, after["n"]):.1f} points.

## Calibration
{metrics["calibration"][:1].upper()}{metrics["calibration"][1:]}.

## Problems met in the site data
{problems}
"""


def _base_note(base: dict) -> str:
    if base.get("fine_tuned_from"):
        return f", itself fine-tuned from `{base['fine_tuned_from']}`"
    return ""


def _card_counts(card: dict) -> str:
    if "phrases" not in card:
        return ""
    return f", {card['phrases']} phrases, {card.get('boxes', '?')} boxes"


def _budget(settings: dict) -> str:
    parts = []
    if settings.get("steps"):
        parts.append(f"{settings['steps']} steps")
    if settings.get("minutes"):
        parts.append(f"{settings['minutes']:g} min")
    return " or ".join(parts) + (", whichever ran out first" if len(parts) == 2 else "")
