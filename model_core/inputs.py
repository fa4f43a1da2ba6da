"""The model's one input protocol and the processor that builds it, for training and inference.

Pixels (an image letterboxed here, or prepared canvases letterboxed already), the tokenised
report followed by `phrase [BOX]` items, and per phrase its knowledge-base text and prior
box, become one `GroundingInputs`. The training collator and the engine both build it with
`InputProcessor`; `KnowMVGModel.forward` and the engine's decoding both consume it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import torch
from torch import Tensor

from .box_ops import Letterbox
from .knowledge import KnowledgeBase
from .modeling.configuration import KnowMVGConfig
from .text.sequences import TextSequence, query_sequence, report_tokens, training_sequence
from .text.tokenizer import ReportTokenizer, TokenizedText

Span = tuple[int, int]


@dataclass
class PhraseInputs:
    """Per phrase (N of them): its image and its knowledge prompt.

    image_index (N,) long; knowledge_ids / knowledge_mask (N, L) long, the phrase's
    knowledge-base text; prior_boxes (N, 4) xyxy normalised over the image; image_frames
    (N, 4) the `Letterbox.frame()` of its image (None: square images). The knowledge
    fields are None when the model has no knowledge prompts.
    """

    image_index: Tensor
    knowledge_ids: Tensor | None = None
    knowledge_mask: Tensor | None = None
    prior_boxes: Tensor | None = None
    image_frames: Tensor | None = None

    def to(self, device: torch.device | str) -> PhraseInputs:
        return PhraseInputs(**{f.name: _to(getattr(self, f.name), device) for f in fields(self)})


@dataclass
class GroundingInputs:
    """What the model reads: B images, R text rows, N phrases.

    pixels (B, 1, S, S) letterboxed, in [0, 1]. text_ids / text_mask (R, T), right padded:
    report [SEP] phrase [BOX] ... (training rows end in [EOS]). text_image (R,) long: the
    image each row reads (training: row r is image r; inference: the rows are the LM passes
    over one image, at most `max_phrases` phrases each). box_positions (N, 2) long: (row,
    text index) of each [BOX], the order of `phrases`.
    """

    pixels: Tensor
    text_ids: Tensor
    text_mask: Tensor
    text_image: Tensor
    box_positions: Tensor
    bos_id: int
    phrases: PhraseInputs

    @property
    def num_phrases(self) -> int:
        return int(self.box_positions.shape[0])

    def to(self, device: torch.device | str) -> GroundingInputs:
        values = {f.name: _to(getattr(self, f.name), device) for f in fields(self)}
        values["phrases"] = self.phrases.to(device)
        return GroundingInputs(**values)


@dataclass
class QueryInputs:
    """Inference inputs for one image: `phrase_indices[i]` is the requested phrase that
    [BOX] i grounds (a phrase with no tokens gets none)."""

    inputs: GroundingInputs
    letterbox: Letterbox
    phrase_indices: list[int]
    report_truncated: bool


class InputProcessor:
    """Image, report and phrases -> `GroundingInputs`, the same way for training and
    inference."""

    def __init__(
        self,
        tokenizer: ReportTokenizer,
        knowledge: KnowledgeBase,
        *,
        image_size: int,
        max_report_tokens: int,
        max_phrases: int,
        knowledge_prompts: bool,
        max_knowledge_text_tokens: int,
    ) -> None:
        if max_phrases < 1:
            raise ValueError(f"max_phrases must be at least 1, got {max_phrases}")
        self.tokenizer = tokenizer
        self.knowledge = knowledge
        self.image_size = image_size
        self.max_report_tokens = max_report_tokens
        self.max_phrases = max_phrases
        self.knowledge_prompts = knowledge_prompts
        self.max_knowledge_text_tokens = max_knowledge_text_tokens

    # -- images --------------------------------------------------------------------
    def image(self, image: np.ndarray) -> tuple[Tensor, Letterbox]:
        """(H, W) float in [0, 1] -> letterboxed (1, 1, S, S) tensor and its mapping."""
        image = np.asarray(image)
        if image.ndim != 2 or min(image.shape) < 2:
            raise ValueError(f"expected a 2-D (H, W) image, got shape {image.shape}")
        image = np.nan_to_num(image.astype(np.float32), nan=0.0).clip(0.0, 1.0)
        letterbox = Letterbox(image.shape[0], image.shape[1], self.image_size)
        return torch.from_numpy(letterbox.resize(image))[None, None], letterbox

    @staticmethod
    def canvases(canvases: np.ndarray) -> Tensor:
        """Prepared uint8 canvases (B, S, S), letterboxed already -> (B, 1, S, S) in [0, 1]."""
        return torch.from_numpy(canvases).float().div_(255.0).unsqueeze(1)

    # -- text ----------------------------------------------------------------------
    def report(self, report: str) -> tuple[TokenizedText, bool]:
        """The report's tokens within the LM's window, and whether it was cut."""
        return report_tokens(self.tokenizer, report, self.max_report_tokens)

    def training_sequence(self, report: str, spans: list[Span]) -> TextSequence:
        """report [SEP] phrase [BOX] ... [EOS] with LM targets on the answer part."""
        return training_sequence(self.tokenizer, report, spans, self.max_report_tokens)

    def query_sequences(
        self, tokens: TokenizedText, phrases: list[tuple[Span | None, str]]
    ) -> list[TextSequence]:
        """`phrase [BOX]` items after the report, at most `max_phrases` per sequence so each
        LM pass stays within the positions it was trained on (a report may name dozens of
        findings). phrase_indices index `phrases`; sequences without a [BOX] are left out."""
        sequences = []
        for first in range(0, len(phrases), self.max_phrases):
            chunk = phrases[first : first + self.max_phrases]
            sequence = query_sequence(self.tokenizer, tokens, chunk)
            if sequence.box_indices:
                kept = [first + i for i in sequence.phrase_indices]
                sequences.append(replace(sequence, phrase_indices=kept))
        return sequences

    def knowledge_inputs(self, texts: list[str]) -> tuple[Tensor, Tensor, Tensor]:
        return knowledge_inputs(
            self.tokenizer, self.knowledge, texts, self.max_knowledge_text_tokens
        )

    # -- everything ----------------------------------------------------------------
    def inputs(
        self,
        pixels: Tensor,
        letterboxes: list[Letterbox],
        sequences: list[TextSequence],
        text_image: list[int],
        phrase_texts: list[str],
    ) -> GroundingInputs:
        """One `GroundingInputs`: `sequences[r]` reads image `text_image[r]`; phrase_texts
        name each [BOX] in row order."""
        if len(text_image) != len(sequences):
            raise ValueError(f"text rows: {len(sequences)}, their images: {len(text_image)}")
        text_ids, text_mask = self._pad(sequences)
        positions = [(row, i) for row, s in enumerate(sequences) for i in s.box_indices]
        if len(phrase_texts) != len(positions):
            raise ValueError(f"[BOX] tokens: {len(positions)}, phrase texts: {len(phrase_texts)}")
        image_index = [text_image[row] for row, _ in positions]
        frames = [letterboxes[image].frame() for image in image_index]
        ids, mask, priors = (
            self.knowledge_inputs(phrase_texts) if self.knowledge_prompts else (None, None, None)
        )
        phrases = PhraseInputs(
            image_index=torch.tensor(image_index, dtype=torch.long),
            knowledge_ids=ids,
            knowledge_mask=mask,
            prior_boxes=priors,
            image_frames=torch.tensor(frames, dtype=torch.float32).view(-1, 4),
        )
        return GroundingInputs(
            pixels=pixels,
            text_ids=text_ids,
            text_mask=text_mask,
            text_image=torch.tensor(text_image, dtype=torch.long),
            box_positions=torch.tensor(positions, dtype=torch.long).view(-1, 2),
            bos_id=self.tokenizer.bos_id,
            phrases=phrases,
        )

    def queries(
        self, image: np.ndarray, report: str, phrases: list[tuple[Span | None, str]]
    ) -> QueryInputs:
        """Inference: `phrases` [(span in the report or None, text)] teacher-forced after
        the report. A phrase past the LM's report window is read as free text after it."""
        pixels, letterbox = self.image(image)
        tokens, truncated = self.report(report)
        limit = tokens.offsets[-1][1] if tokens.offsets else 0
        in_window = [(s if s and s[1] <= limit else None, t) for s, t in phrases]
        sequences = self.query_sequences(tokens, in_window)
        kept = [i for s in sequences for i in s.phrase_indices]
        inputs = self.inputs(
            pixels, [letterbox], sequences, [0] * len(sequences), [phrases[i][1] for i in kept]
        )
        return QueryInputs(inputs, letterbox, kept, truncated)

    def _pad(self, sequences: list[TextSequence]) -> tuple[Tensor, Tensor]:
        width = max([0] + [len(s.ids) for s in sequences])
        ids = torch.full((len(sequences), width), self.tokenizer.pad_id, dtype=torch.long)
        mask = torch.zeros((len(sequences), width))
        for row, sequence in enumerate(sequences):
            ids[row, : len(sequence.ids)] = torch.tensor(sequence.ids)
            mask[row, : len(sequence.ids)] = 1
        return ids, mask


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


def build_input_processor(
    config: KnowMVGConfig, tokenizer: ReportTokenizer, knowledge: KnowledgeBase
) -> InputProcessor:
    return InputProcessor(
        tokenizer,
        knowledge,
        image_size=config.image_size,
        max_report_tokens=config.max_report_tokens,
        max_phrases=max(1, config.max_phrases),
        knowledge_prompts=config.knowledge_prompts,
        max_knowledge_text_tokens=config.max_knowledge_text_tokens,
    )


def _to(value, device):
    return value.to(device) if torch.is_tensor(value) else value
