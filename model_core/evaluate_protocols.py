"""The two evaluation protocols of DESIGN section 4, on prepared splits.

phrase given: each GT phrase is teacher-forced with [BOX] (query mode), batched.
end-to-end: the engine generates phrases from the report; predictions are matched to
GT phrases by span overlap; an unmatched GT phrase counts IoU 0.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from .box_ops import box_cxcywh_to_xyxy
from .data.collate import GroundingCollator
from .data.prepared import PreparedSplit
from .metrics import best_iou, grounding_scores, match_phrases, phrase_extraction_scores


@torch.inference_mode()
def evaluate_phrase_given(
    model, collator: GroundingCollator, split: PreparedSplit, batch_size: int = 16
) -> dict:
    model.eval()
    device = next(model.parameters()).device
    ious: list[float] = []
    for start in range(0, len(split), batch_size):
        indices = list(range(start, min(start + batch_size, len(split))))
        batch = collator(split, indices)
        if not batch.phrases:
            continue
        output = model(batch.inputs.to(device))
        boxes = box_cxcywh_to_xyxy(output.boxes).float().cpu().numpy()
        for box, phrase, image in zip(boxes, batch.phrases, batch.image_index, strict=True):
            pixel_box = batch.letterboxes[image].model_to_image_xyxy(box)
            ious.append(best_iou(pixel_box, phrase.boxes))
    return grounding_scores(ious)


def evaluate_end_to_end(engine, split: PreparedSplit) -> dict:
    """Generation from each report, then span matching; images are the prepared pixels."""
    ious: list[float] = []
    n_predicted = n_truth = n_matched = 0
    for index in range(len(split)):
        record = split.records[index]
        letterbox = split.letterbox(index)
        image = _unletterbox(split.pixels[index], letterbox)
        result = engine.ground(image, record["report"])
        predicted = [f for f in result.findings if not f.negated and f.box is not None]
        truth = [p for p in split.phrases(index) if p.span is not None and p.boxes]
        matches = match_phrases([f.span for f in predicted], [p.span for p in truth])
        n_predicted += len(predicted)
        n_truth += len(truth)
        n_matched += sum(m is not None for m in matches)
        for phrase, match in zip(truth, matches, strict=True):
            ious.append(best_iou(predicted[match].box if match is not None else None, phrase.boxes))
    scores = grounding_scores(ious)
    scores.update(phrase_extraction_scores(n_predicted, n_truth, n_matched))
    return scores


def _unletterbox(canvas: np.ndarray, letterbox) -> np.ndarray:
    """The prepared model-frame pixels back at the original size (float32, [0, 1])."""
    x0, y0, x1, y1 = letterbox.content_box()
    content = canvas[y0:y1, x0:x1].astype(np.float32) / 255.0
    return cv2.resize(content, (letterbox.width, letterbox.height), interpolation=cv2.INTER_LINEAR)
