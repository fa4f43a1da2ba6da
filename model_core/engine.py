"""GroundingEngine: load a checkpoint, ground(image, report) -> GroundingResult.

The viewer, the CLI and the benchmarks all go through this one class. It is a pipeline
over one module per step: phrase selection (`phrase_selection`), the model's inputs
(`inputs`), the model's passes (`decoding`) and findings from its outputs (`postprocess`).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import torch

from . import decoding
from .calibration import ScoreCalibration
from .inputs import build_input_processor
from .knowledge import KnowledgeBase
from .modeling.knowmvg import KnowMVGModel
from .phrase_selection import MAX_EXTRACT_CHARS, Query, query_phrases, report_phrases
from .postprocess import FindingPostprocessor
from .resources import DEFAULT_MODEL, default_model_dir
from .results import GroundingResult
from .text.extraction import PhraseExtractor
from .text.tokenizer import ReportTokenizer

__all__ = [
    "DEFAULT_MODEL",
    "MAX_EXTRACT_CHARS",
    "GroundingEngine",
    "Query",
    "default_model_dir",
    "pick_device",
]

log = logging.getLogger(__name__)

MODEL_CARD = "MODEL_CARD.md"
UNTRAINED_MARKER = "UNTRAINED"


def pick_device(name: str = "auto") -> torch.device:
    """'auto' = CUDA, then MPS, then CPU; an explicit device that is absent is a ValueError."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' requested but no CUDA GPU is available")
    if name not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unknown device {name!r}; choose auto, cpu, cuda or mps")
    return torch.device(name)


class GroundingEngine:
    def __init__(
        self,
        model: KnowMVGModel,
        tokenizer: ReportTokenizer,
        knowledge: KnowledgeBase,
        device: torch.device,
        name: str,
        trained: bool = True,
        directory: Path | None = None,
        calibration: ScoreCalibration | None = None,
    ) -> None:
        self.model = model.to(device).eval()
        self.tokenizer = tokenizer
        self.knowledge = knowledge
        self.device = device
        self.name = name
        self.trained = trained
        self.directory = directory
        self.config = model.config
        self.extractor = PhraseExtractor(knowledge)
        self.processor = build_input_processor(self.config, tokenizer, knowledge)
        self.calibration = calibration
        self.postprocessor = FindingPostprocessor(knowledge, self.config.region_ids, calibration)

    @classmethod
    def load(
        cls, path: Path | str | None = None, device: str = "auto", threads: int | None = None
    ) -> GroundingEngine:
        """Load a model directory (None = the bundled default). ValueError on a bad one.

        Its `calibration.json`, when present, gives each box a calibrated confidence.

        Global torch state is left alone: `threads`, when given, sets torch's process-wide
        CPU thread count (the caller asks for it); inference uses no random numbers."""
        directory = Path(path) if path is not None else default_model_dir()
        if threads is not None:
            torch.set_num_threads(max(1, int(threads)))
        model = KnowMVGModel.from_pretrained(directory)
        tokenizer = ReportTokenizer.load(directory)
        if tokenizer.vocab_size != model.config.vocab_size:
            raise ValueError(
                f"{directory}: tokenizer has {tokenizer.vocab_size} tokens, the model "
                f"{model.config.vocab_size}"
            )
        calibration = ScoreCalibration.load(directory)
        trained = not (directory / UNTRAINED_MARKER).exists()
        if not trained:
            log.warning("%s is an untrained checkpoint: its boxes are meaningless", directory)
        return cls(
            model,
            tokenizer,
            KnowledgeBase.load(),
            pick_device(device),
            directory.name,
            trained,
            directory,
            calibration,
        )

    def describe(self) -> dict:
        return {
            "name": self.name,
            "size": self.config.size_name,
            "device": str(self.device),
            "trained": self.trained,
            "knowledge_prompts": self.config.knowledge_prompts,
            "global_local": self.config.global_local,
            "calibrated": self.calibration is not None,
            "path": str(self.directory) if self.directory else None,
        }

    # -- public API --------------------------------------------------------------------
    def ground(self, image: np.ndarray, report: str) -> GroundingResult:
        """Find the report's finding phrases (knowledge-guided spans) and ground them."""
        return self._run(image, report or "", queries=None)

    def ground_phrase(
        self, image: np.ndarray, report: str, phrase: Query | list[Query]
    ) -> GroundingResult:
        """Query mode: ground the given phrase(s) in one forward pass.

        A query is free text, or (text, (start, end)) for a selection of the report: the
        selected occurrence is grounded, not the first one with the same words.
        """
        phrases = [phrase] if isinstance(phrase, str | tuple) else list(phrase)
        return self._run(image, report or "", queries=phrases)

    # -- the pipeline ------------------------------------------------------------------
    @torch.inference_mode()
    def _run(self, image: np.ndarray, report: str, queries: list[Query] | None) -> GroundingResult:
        timing: dict[str, float] = {}
        start = time.perf_counter()
        if queries is None:
            selection = report_phrases(self.extractor, report)
            timing["extract_ms"] = _ms(start)
        else:
            selection = query_phrases(self.knowledge, report, queries)
        step = time.perf_counter()
        requested = [(r.span, r.text) for r in selection.requests]
        encoded = self.processor.queries(image, report, requested)
        inputs = encoded.inputs.to(self.device)
        with decoding.autocast(self.device):
            context = decoding.encode_images(self.model, inputs)
            timing["image_ms"], step = _ms(step), time.perf_counter()
            states = decoding.box_states(self.model, inputs, context)
            timing["lm_ms"], step = _ms(step), time.perf_counter()
            output = decoding.decode(self.model, inputs, context, states)
        findings = self.postprocessor(
            report, selection, encoded.phrase_indices, output, encoded.letterbox, image
        )
        timing["boxes_ms"] = _ms(step)
        timing["total_ms"] = _ms(start)
        return GroundingResult(
            width=encoded.letterbox.width,
            height=encoded.letterbox.height,
            report=report,
            findings=findings,
            letterbox=encoded.letterbox,
            timing_ms=timing,
            lm_forward_passes=int(inputs.text_ids.shape[0]),
            report_truncated=encoded.report_truncated,
        )


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
