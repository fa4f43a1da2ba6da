"""Training batches from prepared samples: the model's `GroundingInputs`, built by the shared
input processor, plus the LM labels and normalised GT boxes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from ..box_ops import Letterbox, box_xyxy_to_cxcywh
from ..inputs import GroundingInputs, build_input_processor
from ..knowledge import KnowledgeBase
from ..modeling.configuration import KnowMVGConfig
from ..modeling.criterion import GroundingTargets
from ..text.sequences import IGNORE_INDEX, TextSequence
from ..text.tokenizer import ReportTokenizer
from .prepared import PreparedSplit
from .samples import PhraseAnnotation


@dataclass
class TrainingBatch:
    inputs: GroundingInputs
    targets: GroundingTargets
    phrases: list[PhraseAnnotation]  # one per [BOX], batch order
    letterboxes: list[Letterbox]  # one per image
    image_index: list[int]  # per phrase


class GroundingCollator:
    def __init__(
        self, tokenizer: ReportTokenizer, knowledge: KnowledgeBase, config: KnowMVGConfig
    ) -> None:
        self.processor = build_input_processor(config, tokenizer, knowledge)

    def __call__(
        self,
        split: PreparedSplit,
        indices: list[int],
        knowledge_of: Callable[[str], str] | None = None,
    ) -> TrainingBatch:
        """`knowledge_of` maps a phrase to the text its knowledge prompt is built from (the
        phrase itself when None): knowledge noise in training, probes in analysis."""
        sequences, phrases, image_index, gt_boxes, letterboxes = [], [], [], [], []
        for row, index in enumerate(indices):
            record_phrases = [p for p in split.phrases(index) if p.span is not None and p.boxes]
            report = split.records[index]["report"]
            sequence = self.processor.training_sequence(report, [p.span for p in record_phrases])
            letterbox = split.letterbox(index)
            letterboxes.append(letterbox)
            sequences.append(sequence)
            for phrase_index in sequence.phrase_indices:
                phrase = record_phrases[phrase_index]
                phrases.append(phrase)
                image_index.append(row)
                normalised = letterbox.image_to_model_xyxy(np.asarray(phrase.boxes, np.float64))
                gt_boxes.append(box_xyxy_to_cxcywh(torch.tensor(normalised, dtype=torch.float32)))
        inputs = self.processor.inputs(
            self.processor.canvases(split.pixels[indices]),
            letterboxes,
            sequences,
            list(range(len(indices))),
            [knowledge_of(p.text) if knowledge_of else p.text for p in phrases],
        )
        targets = GroundingTargets(_labels(sequences), gt_boxes, inputs.phrases.image_frames)
        return TrainingBatch(inputs, targets, phrases, letterboxes, image_index)


def _labels(sequences: list[TextSequence]) -> Tensor:
    """(B, T) LM targets, IGNORE_INDEX off-target and on the padding."""
    width = max(len(s.labels) for s in sequences)
    labels = torch.full((len(sequences), width), IGNORE_INDEX, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        labels[row, : len(sequence.labels)] = torch.tensor(sequence.labels)
    return labels
