"""Train the fine box stage alone on a trained model, from the decoder's boxes cached once.

The stage corrects only small boxes, about two phrases of a 16-study batch: inside a full
training run it sees too few of them to learn in 1,000 steps. Here the model (kept as it
is) reads each split once; every phrase whose decoder box is small keeps what the stage
reads (its study, its query, the decoder's hypotheses) and its ground truth, and the stage
then trains on those alone, many small boxes a step. The output is a model directory: the
same weights, `fine_box` on, and the trained stage.

    python -m model_core.train_fine_box --model resources/models/knowmvg-tiny \\
        --train-data runs/v2/data/train --val-data runs/v2/data/val --out runs/fine-box

Refit the calibration afterwards (`bench/calibration.py --model OUT --fit`): the boxes it
maps scores to have moved.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from .box_ops import box_cxcywh_to_xyxy, box_iou_matrix
from .data.collate import GroundingCollator
from .data.prepared import PreparedSplit
from .engine import GroundingEngine
from .modeling import fine_box
from .modeling.criterion import GroundingCriterion
from .modeling.knowmvg import KnowMVGModel

log = logging.getLogger("model_core.train_fine_box")
LOSSES = ("l1", "l1_relative", "giou")  # the box terms of the criterion, with its weights


@dataclass
class SmallBoxes:
    """Per small-box phrase: study (into the split's pixels), query (N, C), the decoder's
    hypotheses (N, H, 4) and the ground-truth box nearest their mean (N, 4), all model-frame
    normalised cxcywh."""

    study: Tensor
    query: Tensor
    hypotheses: Tensor
    truth: Tensor

    def __len__(self) -> int:
        return int(self.study.shape[0])


def stage_model(base: KnowMVGModel) -> KnowMVGModel:
    """The base's weights with `fine_box` on; the stage at its zero start."""
    model = KnowMVGModel(replace(base.config, fine_box=True))
    missing, unexpected = model.load_state_dict(base.state_dict(), strict=False)
    if unexpected or not all(name.startswith("fine_box.") for name in missing):
        raise ValueError(f"the base model does not fit a fine-box model: {unexpected[:3]}")
    return model.eval()


@torch.no_grad()  # not inference_mode: the cached tensors feed the stage's training
def cache_small_boxes(
    model: KnowMVGModel, collator: GroundingCollator, split: PreparedSplit, batch_size: int = 16
) -> SmallBoxes:
    """One pass of the model over the split, phrase given; what the stage reads, captured at
    its input, for the phrases whose decoder box is small."""
    captured: list[tuple] = []

    def capture(_module, args):
        captured.append(args)

    hook = model.fine_box.register_forward_pre_hook(capture)
    studies, queries, hypotheses, truths = [], [], [], []
    try:
        for start in range(0, len(split), batch_size):
            indices = list(range(start, min(start + batch_size, len(split))))
            batch = collator(split, indices)
            if not batch.phrases:
                continue
            captured.clear()
            model(batch.inputs)
            _, image_index, query, boxes = captured[0]
            mean = boxes.mean(dim=1)
            for n in torch.nonzero(mean[:, 2:].amax(dim=-1) < fine_box.SMALL_BOX).flatten():
                gt = batch.targets.gt_boxes[n]
                iou = box_iou_matrix(box_cxcywh_to_xyxy(mean[n : n + 1]), box_cxcywh_to_xyxy(gt))
                studies.append(indices[int(image_index[n])])
                queries.append(query[n])
                hypotheses.append(boxes[n])
                truths.append(gt[int(iou.argmax())])
    finally:
        hook.remove()
    if not studies:
        raise ValueError("no phrase of the split has a small box: nothing to train the stage on")
    return SmallBoxes(
        torch.tensor(studies), torch.stack(queries), torch.stack(hypotheses), torch.stack(truths)
    )


def correct(model: KnowMVGModel, pixels: np.ndarray, boxes: SmallBoxes, rows: Tensor) -> Tensor:
    """The stage's corrected mean boxes (n, 4) for the cached phrases `rows`."""
    studies, index = boxes.study[rows].unique(return_inverse=True)
    images = torch.from_numpy(pixels[studies.numpy()]).float().div(255).unsqueeze(1)
    corrected = model.fine_box(images, index, boxes.query[rows], boxes.hypotheses[rows])
    return corrected.mean(dim=1)


def box_loss(criterion: GroundingCriterion, predicted: Tensor, truth: Tensor) -> Tensor:
    predicted, truth = predicted[:, None], truth[:, None]
    terms = {
        "l1": criterion.loss_l1(predicted, truth),
        "l1_relative": criterion.loss_l1_relative(predicted, truth),
        "giou": criterion.loss_giou(predicted, truth),
    }
    return sum(criterion.weights.get(name, 0.0) * terms[name] for name in LOSSES)


@torch.no_grad()
def scores(model: KnowMVGModel, pixels: np.ndarray, boxes: SmallBoxes) -> dict[str, float]:
    """AP50 and mean IoU (percent) of the small boxes, before the stage and after it."""
    rows = torch.arange(len(boxes))
    truth = box_cxcywh_to_xyxy(boxes.truth)
    result = {"n": len(boxes)}
    for name, predicted in (
        ("before", boxes.hypotheses.mean(dim=1)),
        ("after", correct(model, pixels, boxes, rows)),
    ):
        iou = box_iou_matrix(box_cxcywh_to_xyxy(predicted), truth).diagonal()
        result[f"{name}_AP50"] = round(float((iou >= 0.5).float().mean()) * 100, 2)
        result[f"{name}_mIoU"] = round(float(iou.mean()) * 100, 2)
    return result


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m model_core.train_fine_box", description=__doc__)
    p.add_argument("--model", type=Path, required=True, help="trained model directory")
    p.add_argument("--train-data", type=Path, required=True, help="prepared split folder")
    p.add_argument("--val-data", type=Path, required=True, help="prepared split folder")
    p.add_argument("--out", type=Path, required=True, help="the new model directory")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=64, help="small boxes a step")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--validate-every", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, help="CPU threads")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if args.steps < 1 or args.batch_size < 1 or not args.lr > 0 or args.validate_every < 1:
        print(
            "error: --steps, --batch-size, --validate-every and --lr must be positive",
            file=sys.stderr,
        )
        return 2
    try:
        engine = GroundingEngine.load(args.model, device="cpu", threads=args.threads)
        if engine.model.config.fine_box:
            raise ValueError(f"{args.model}: already has a fine box stage")
        train, val = PreparedSplit.load(args.train_data), PreparedSplit.load(args.val_data)
        model = stage_model(engine.model)
        collator = GroundingCollator(engine.tokenizer, engine.knowledge, model.config)
        train_boxes = cache_small_boxes(model, collator, train)
        val_boxes = cache_small_boxes(model, collator, val)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    log.info("small boxes: %d train, %d val", len(train_boxes), len(val_boxes))
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    criterion = GroundingCriterion(model.config.loss_weights)
    optimizer = torch.optim.AdamW(model.fine_box.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, args.steps)
    best = scores(model, val.pixels, val_boxes)
    history = [{"step": 0, **best}]
    best_state = {k: v.clone() for k, v in model.fine_box.state_dict().items()}
    log.info("step 0: %s", best)
    for step in range(1, args.steps + 1):
        model.fine_box.train()
        rows = torch.randint(len(train_boxes), (args.batch_size,), generator=generator)
        predicted = correct(model, train.pixels, train_boxes, rows)
        loss = box_loss(criterion, predicted, train_boxes.truth[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % args.validate_every == 0 or step == args.steps:
            model.fine_box.eval()
            result = scores(model, val.pixels, val_boxes)
            history.append({"step": step, "loss": round(loss.item(), 5), **result})
            log.info("step %d: loss %.4f, %s", step, loss.item(), result)
            if result["after_mIoU"] > best["after_mIoU"]:
                best = result
                best_state = {k: v.clone() for k, v in model.fine_box.state_dict().items()}
    model.fine_box.load_state_dict(best_state)
    model.eval().save_pretrained(args.out, engine.tokenizer)
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    report = {"settings": settings, "history": history, "best": best}
    (Path(args.out) / "fine_box_training.json").write_text(json.dumps(report, indent=2) + "\n")
    log.info("best on val small boxes: %s; wrote %s", best, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
