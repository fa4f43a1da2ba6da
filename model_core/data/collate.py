"""Batches for the KnowMVG model from prepared samples: tokens, [BOX] positions, knowledge,
priors and normalised GT boxes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from ..box_ops import Letterbox, box_xyxy_to_cxcywh
from ..knowledge import KnowledgeBase
from ..modeling.configuration import KnowMVGConfig
from ..modeling.criterion import GroundingTargets
from ..text.sequences import IGNORE_INDEX, training_sequence
from ..text.tokenizer import ReportTokenizer
from .prepared import PreparedSplit
from .samples import PhraseAnnotation


@dataclass
class TrainingBatch:
    inputs: dict
    targets: GroundingTargets
    phrases: list[PhraseAnnotation]  # one per [BOX], batch order
    letterboxes: list[Letterbox]  # one per image
    image_index: list[int]  # per phrase


class GroundingCollator:
    def __init__(
        self, tokenizer: ReportTokenizer, knowledge: KnowledgeBase, config: KnowMVGConfig
    ) -> None:
        self.tokenizer = tokenizer
        self.knowledge = knowledge
        self.config = config

    def __call__(self, split: PreparedSplit, indices: list[int]) -> TrainingBatch:
        sequences, phrases, image_index, gt_boxes, letterboxes = [], [], [], [], []
        for row, index in enumerate(indices):
            record_phrases = [p for p in split.phrases(index) if p.span is not None and p.boxes]
            report = split.records[index]["report"]
            sequence = training_sequence(
                self.tokenizer,
                report,
                [p.span for p in record_phrases],
                self.config.max_report_tokens,
            )
            letterbox = split.letterbox(index)
            letterboxes.append(letterbox)
            sequences.append(sequence)
            for phrase_index in sequence.phrase_indices:
                phrase = record_phrases[phrase_index]
                phrases.append(phrase)
                image_index.append(row)
                normalised = letterbox.image_to_model_xyxy(np.asarray(phrase.boxes, np.float64))
                gt_boxes.append(box_xyxy_to_cxcywh(torch.tensor(normalised, dtype=torch.float32)))
        text_ids, text_mask, labels, box_positions = self._pad(sequences)
        pixels = torch.from_numpy(split.pixels[indices]).float().div_(255.0).unsqueeze(1)
        inputs = {
            "pixels": pixels,
            "text_ids": text_ids,
            "text_mask": text_mask,
            "box_positions": box_positions,
            "bos_id": self.tokenizer.bos_id,
        }
        frames = torch.tensor(
            [letterboxes[row].frame() for row in image_index], dtype=torch.float32
        ).view(-1, 4)
        if self.config.knowledge_prompts:
            ids, mask, priors = knowledge_inputs(
                self.tokenizer,
                self.knowledge,
                [p.text for p in phrases],
                self.config.max_knowledge_text_tokens,
            )
            inputs.update(
                knowledge_ids=ids, knowledge_mask=mask, prior_boxes=priors, image_frames=frames
            )
        targets = GroundingTargets(labels, gt_boxes, frames)
        return TrainingBatch(inputs, targets, phrases, letterboxes, image_index)

    def _pad(self, sequences) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        width = max(len(s.ids) for s in sequences)
        ids = torch.full((len(sequences), width), self.tokenizer.pad_id, dtype=torch.long)
        mask = torch.zeros((len(sequences), width))
        labels = torch.full((len(sequences), width), IGNORE_INDEX, dtype=torch.long)
        positions = []
        for row, sequence in enumerate(sequences):
            length = len(sequence.ids)
            ids[row, :length] = torch.tensor(sequence.ids)
            mask[row, :length] = 1
            labels[row, :length] = torch.tensor(sequence.labels)
            positions += [(row, i) for i in sequence.box_indices]
        box_positions = torch.tensor(positions, dtype=torch.long).view(-1, 2)
        return ids, mask, labels, box_positions


def knowledge_inputs(
    tokenizer: ReportTokenizer, knowledge: KnowledgeBase, texts: list[str], limit: int
) -> tuple[Tensor, Tensor, Tensor]:
    """Per phrase: knowledge-text token ids and mask (padded), and the prior box (xyxy)."""
    encoded = [tokenizer.encode(knowledge.knowledge_text(t)).ids[:limit] for t in texts]
    width = max([1] + [len(e) for e in encoded])
    ids = torch.full((len(texts), width), tokenizer.pad_id, dtype=torch.long)
    mask = torch.zeros((len(texts), width), dtype=torch.long)
    for row, values in enumerate(encoded):
        ids[row, : len(values)] = torch.tensor(values, dtype=torch.long)
        mask[row, : len(values)] = 1
    priors = torch.tensor([knowledge.prior_box(t) for t in texts], dtype=torch.float32)
    return ids, mask, priors.view(-1, 4)
