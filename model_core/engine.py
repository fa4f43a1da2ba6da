"""GroundingEngine: load a checkpoint, ground(image, report) -> GroundingResult.

The viewer, the CLI and the benchmarks all go through this one class.
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch

from .box_ops import Letterbox, box_cxcywh_to_xyxy
from .data.collate import knowledge_inputs
from .knowledge import KnowledgeBase
from .modeling.knowmvg import KnowMVGModel, PhraseQueries
from .resources import resources_dir
from .results import GroundedFinding, GroundingResult
from .text.extraction import PhraseExtractor, ReportPhrase
from .text.negation import normal_statements
from .text.sequences import query_sequence, report_tokens
from .text.tokenizer import ReportTokenizer

log = logging.getLogger(__name__)

DEFAULT_MODEL = "knowmvg-tiny"
MODEL_CARD = "MODEL_CARD.md"
UNTRAINED_MARKER = "UNTRAINED"
MAX_EXTRACT_CHARS = 20_000
Query = str | tuple[str, tuple[int, int]]  # free text, or a selection: (text, (start, end))


def default_model_dir() -> Path:
    return resources_dir() / "models" / DEFAULT_MODEL


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

    @classmethod
    def load(
        cls, path: Path | str | None = None, device: str = "auto", threads: int | None = None
    ) -> GroundingEngine:
        """Load a model directory (None = the bundled default). ValueError on a bad one."""
        directory = Path(path) if path is not None else default_model_dir()
        if threads is not None:
            torch.set_num_threads(max(1, int(threads)))
        torch.manual_seed(0)
        model = KnowMVGModel.from_pretrained(directory)
        tokenizer = ReportTokenizer.load(directory)
        if tokenizer.vocab_size != model.config.vocab_size:
            raise ValueError(
                f"{directory}: tokenizer has {tokenizer.vocab_size} tokens, the model "
                f"{model.config.vocab_size}"
            )
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
        )

    def describe(self) -> dict:
        return {
            "name": self.name,
            "size": self.config.size_name,
            "device": str(self.device),
            "trained": self.trained,
            "knowledge_prompts": self.config.knowledge_prompts,
            "global_local": self.config.global_local,
            "path": str(self.directory) if self.directory else None,
        }

    # -- public API --------------------------------------------------------------------
    def ground(self, image: np.ndarray, report: str) -> GroundingResult:
        """Find the report's finding phrases (knowledge-guided spans) and ground them."""
        return self._run(image, report, queries=None)

    def ground_phrase(
        self, image: np.ndarray, report: str, phrase: Query | list[Query]
    ) -> GroundingResult:
        """Query mode: ground the given phrase(s) in one forward pass.

        A query is free text, or (text, (start, end)) for a selection of the report: the
        selected occurrence is grounded, not the first one with the same words.
        """
        phrases = [phrase] if isinstance(phrase, str | tuple) else list(phrase)
        return self._run(image, report, queries=phrases)

    # -- the pipeline ------------------------------------------------------------------
    @torch.inference_mode()
    def _run(self, image: np.ndarray, report: str, queries: list[Query] | None) -> GroundingResult:
        timing: dict[str, float] = {}
        start = time.perf_counter()
        pixels, letterbox = self.preprocess(image)
        tokens, truncated = report_tokens(
            self.tokenizer, report or "", self.config.max_report_tokens
        )
        with self._autocast():
            features = self.model.encode_image(pixels)
            prefix = self.model.prefix_embeddings(pixels, features, self.tokenizer.bos_id)
            timing["image_ms"] = _ms(start)
            lm_start = time.perf_counter()
            if queries is None:
                extracted = self._extract(report or "")
                timing["extract_ms"] = _ms(lm_start)
                grounded = [p for p in extracted if p.grounded]
                requested = [(p.span, p.text) for p in grounded]
                source = "report"
            else:
                extracted, grounded = [], []
                requested = [_query_span(report or "", q) for q in queries]
                source = "query"
            # a phrase past the LM's report window is read as free text after it
            limit = tokens.offsets[-1][1] if tokens.offsets else 0
            lm_phrases = [(s if s and s[1] <= limit else None, t) for s, t in requested]
            kept, hidden, passes = self._teacher_force(prefix, tokens, lm_phrases)
            phrases = [requested[i] for i in kept]
            timing["lm_ms"] = _ms(lm_start)
            box_start = time.perf_counter()
            if queries is None:  # the extractor named each phrase's finding already
                names = [grounded[i].finding for i in kept]
            else:
                names = [_finding_name(self.knowledge, text) for _, text in phrases]
            findings = self._decode(features, hidden, phrases, names, letterbox, source)
            timing["boxes_ms"] = _ms(box_start)
        if queries is None:
            findings = self._with_report_phrases(
                report or "", findings, [grounded[i] for i in kept], extracted
            )
        timing["total_ms"] = _ms(start)
        return GroundingResult(
            width=letterbox.width,
            height=letterbox.height,
            report=report or "",
            findings=findings,
            letterbox=letterbox,
            timing_ms=timing,
            lm_forward_passes=passes,
            report_truncated=truncated,
        )

    def _extract(self, report: str) -> list[ReportPhrase]:
        """The report's phrases, all of them: the LM reads a window of the report, but a
        finding in a long report's last lines is still found (the first MAX_EXTRACT_CHARS
        characters, far beyond any real report, bound the work for a pasted book)."""
        if len(report) > MAX_EXTRACT_CHARS:
            log.warning(
                "report has %d characters; phrases are read from the first %d",
                len(report),
                MAX_EXTRACT_CHARS,
            )
        return self.extractor.extract(report[:MAX_EXTRACT_CHARS])

    def preprocess(self, image: np.ndarray) -> tuple[torch.Tensor, Letterbox]:
        """(H, W) float in [0, 1] -> letterboxed (1, 1, S, S) tensor and its mapping."""
        image = np.asarray(image)
        if image.ndim != 2 or min(image.shape) < 2:
            raise ValueError(f"expected a 2-D (H, W) image, got shape {image.shape}")
        image = np.nan_to_num(image.astype(np.float32), nan=0.0).clip(0.0, 1.0)
        letterbox = Letterbox(image.shape[0], image.shape[1], self.config.image_size)
        tensor = torch.from_numpy(letterbox.resize(image))[None, None].to(self.device)
        return tensor, letterbox

    def _autocast(self):
        if self.device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return nullcontext()

    def _teacher_force(self, prefix, tokens, phrases) -> tuple[list[int], list, int]:
        """`phrase [BOX]` items after the report, at most `max_phrases` per forward pass so
        the sequence stays within the positions the LM was trained on (a report may name
        dozens of findings)."""
        kept, states, passes = [], [], 0
        size = max(1, self.config.max_phrases)
        for first in range(0, len(phrases), size):
            sequence = query_sequence(self.tokenizer, tokens, phrases[first : first + size])
            if not sequence.box_indices:
                continue
            ids = torch.tensor([sequence.ids], device=self.device)
            embeds = torch.cat((prefix, self.model.mllm.embed(ids).to(prefix.dtype)), dim=1)
            _, hidden, _ = self.model.mllm(embeds)
            offset = prefix.shape[1]
            states += [hidden[0, offset + i] for i in sequence.box_indices]
            kept += [first + i for i in sequence.phrase_indices]
            passes += 1
        return kept, states, passes

    def _decode(self, features, hidden, phrases, names, letterbox, source) -> list[GroundedFinding]:
        """Boxes for `phrases` [(span, text)]; `names`: each one's knowledge-base finding."""
        if not phrases:
            return []
        texts = [text for _, text in phrases]
        queries = PhraseQueries(
            image_index=torch.zeros(len(texts), dtype=torch.long, device=self.device),
            box_hidden=torch.stack(hidden),
        )
        if self.config.knowledge_prompts:
            ids, mask, priors = knowledge_inputs(
                self.tokenizer, self.knowledge, texts, self.config.max_knowledge_text_tokens
            )
            queries.knowledge_ids, queries.knowledge_mask = (
                ids.to(self.device),
                mask.to(self.device),
            )
            queries.prior_boxes = priors.to(self.device)
            queries.image_frames = torch.tensor(
                [letterbox.frame()] * len(texts), dtype=torch.float32, device=self.device
            )
        output = self.model.decode_boxes(features, queries)
        boxes = letterbox.model_to_image_xyxy(
            box_cxcywh_to_xyxy(output.boxes).float().cpu().numpy()
        )
        heatmaps = self._heatmaps(output)
        scores = output.confidence.float().cpu().numpy()
        pixel_scale = letterbox.size / letterbox.scale
        uncertainty = output.uncertainty.float().cpu().numpy() * pixel_scale
        region_ids = self.config.region_ids
        findings = []
        for i, (span, text) in enumerate(phrases):
            priors = []
            if output.region_indices is not None:
                priors = [
                    (region_ids[int(r)], float(w))
                    for r, w in zip(output.region_indices[i], output.region_weights[i], strict=True)
                ]
            name = names[i]
            findings.append(
                GroundedFinding(
                    phrase=text,
                    span=span,
                    box=tuple(float(v) for v in boxes[i]),
                    score=float(scores[i]),
                    uncertainty=float(uncertainty[i]),
                    priors=priors,
                    source=source,
                    finding=name,
                    category=self.knowledge.finding(name).category if name else None,
                    code=self.knowledge.finding(name).code if name else None,
                    heatmap=heatmaps[i],
                )
            )
        return findings

    @staticmethod
    def _heatmaps(output) -> list[np.ndarray]:
        """Semantic mask where the global branch exists, else the cross-attention map."""
        if output.mask_logits is not None:
            maps = torch.sigmoid(output.mask_logits.float())
        else:
            maps = output.attention.float()
            maps = maps / maps.flatten(1).amax(-1).clamp(min=1e-9)[:, None, None]
        return [m.cpu().numpy().astype(np.float32) for m in maps]

    def _with_report_phrases(
        self,
        report: str,
        findings: list[GroundedFinding],
        phrases: list[ReportPhrase],
        extracted: list[ReportPhrase],
    ) -> list[GroundedFinding]:
        """Boxed findings take their phrase's assertion and links; negated phrases and normal
        statements ("Heart size is normal") join them without a box."""
        by_span = {f.span: f for f in findings}
        for finding, phrase in zip(findings, phrases, strict=True):
            finding.assertion = phrase.assertion.value
            finding.linked_spans = list(phrase.linked)
            observed = by_span.get(phrase.located_by)
            if observed is not None:  # "opacity, likely atelectasis": the opacity's box
                finding.located_by = observed.span
                finding.box, finding.heatmap = observed.box, observed.heatmap
                finding.score, finding.uncertainty = observed.score, observed.uncertainty
                finding.priors = list(observed.priors)
        negated = [(p.span, p.finding) for p in extracted if not p.grounded] + [
            ((m.phrase_start, m.phrase_end), m.finding) for m in normal_statements(report)
        ]
        result = list(findings)
        seen: set[tuple[int, int]] = set()
        for span, name in negated:
            if span in seen or any(_overlaps(f.span, span) for f in result):
                continue
            seen.add(span)
            result.append(
                GroundedFinding(
                    phrase=report[span[0] : span[1]],
                    span=span,
                    negated=True,
                    finding=name,
                    category=self.knowledge.finding(name).category,
                    code=self.knowledge.finding(name).code,
                    source="report",
                )
            )
        return sorted(result, key=lambda f: f.span or (0, 0))


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    return a is not None and a[0] < b[1] and b[0] < a[1]


def _finding_name(knowledge: KnowledgeBase, phrase: str) -> str | None:
    match = knowledge.match_finding(phrase)
    return match.name if match else None


def _query_span(report: str, query: Query) -> tuple[tuple[int, int] | None, str]:
    """(span, text) of a query: its own span when it is a selection of this report."""
    if isinstance(query, tuple):
        text, (start, end) = query
        if 0 <= start < end <= len(report) and report[start:end].strip() == text.strip():
            return (start, end), report[start:end]
        query = text
    return _find_span(report, query), query


def _find_span(report: str, phrase: str) -> tuple[int, int] | None:
    """The phrase's first case-insensitive occurrence in the report, if any."""
    index = report.lower().find(phrase.strip().lower()) if phrase.strip() else -1
    return (index, index + len(phrase.strip())) if index >= 0 else None


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
