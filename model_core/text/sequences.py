"""The token layout shared by training and inference.

LM input = [BOS] <image tokens> report [SEP] phrase_1 [BOX] ... phrase_n [BOX] [EOS].
The text part (after the image tokens) is what these functions build; a phrase is
always the report's own token subsequence over the phrase's characters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .tokenizer import ReportTokenizer, TokenizedText

log = logging.getLogger(__name__)

IGNORE_INDEX = -100


@dataclass
class TextSequence:
    """ids (T,); labels (T,) with IGNORE_INDEX off-target (labels[i] is the target of ids[i]);
    box_indices: index of each [BOX] in ids; phrase_indices: which input phrase each box is."""

    ids: list[int]
    labels: list[int]
    box_indices: list[int]
    phrase_indices: list[int]
    report_tokens: TokenizedText
    truncated: bool


def report_tokens(
    tokenizer: ReportTokenizer, report: str, max_tokens: int
) -> tuple[TokenizedText, bool]:
    """The report's tokens, cut to `max_tokens` (a warning, never an error)."""
    tokens = tokenizer.encode(report)
    if len(tokens.ids) <= max_tokens:
        return tokens, False
    log.warning("report has %d tokens; only the first %d are read", len(tokens.ids), max_tokens)
    return TokenizedText(tokens.ids[:max_tokens], tokens.offsets[:max_tokens]), True


def training_sequence(
    tokenizer: ReportTokenizer,
    report: str,
    phrase_spans: list[tuple[int, int]],
    max_report_tokens: int,
) -> TextSequence:
    """Teacher-forcing sequence: phrases in report order, targets on the answer part only.

    Phrases that fall outside a truncated report are dropped (phrase_indices says
    which were kept).
    """
    tokens, truncated = report_tokens(tokenizer, report, max_report_tokens)
    ids = tokens.ids + [tokenizer.sep_id]
    labels = [IGNORE_INDEX] * len(ids)
    box_indices, kept = [], []
    order = sorted(range(len(phrase_spans)), key=lambda i: phrase_spans[i])
    for index in order:
        token_span = tokenizer.token_span(tokens, *phrase_spans[index])
        if token_span is None:
            continue
        phrase_ids = tokens.ids[token_span[0] : token_span[1]] + [tokenizer.box_id]
        ids += phrase_ids
        labels += phrase_ids
        box_indices.append(len(ids) - 1)
        kept.append(index)
    ids.append(tokenizer.eos_id)
    labels.append(tokenizer.eos_id)
    return TextSequence(ids, labels, box_indices, kept, tokens, truncated)


def query_sequence(
    tokenizer: ReportTokenizer,
    tokens: TokenizedText,
    phrases: list[tuple[tuple[int, int] | None, str]],
) -> TextSequence:
    """Query mode: given phrases (span in the report, or None for free text) teacher-forced
    after the report, each closed by [BOX]: one forward pass grounds them all."""
    ids = tokens.ids + [tokenizer.sep_id]
    box_indices, kept = [], []
    for index, (span, text) in enumerate(phrases):
        token_span = tokenizer.token_span(tokens, *span) if span is not None else None
        if token_span is not None:
            phrase_ids = tokens.ids[token_span[0] : token_span[1]]
        else:
            phrase_ids = tokenizer.encode(text).ids
        if not phrase_ids:
            continue
        ids += phrase_ids + [tokenizer.box_id]
        box_indices.append(len(ids) - 1)
        kept.append(index)
    return TextSequence(ids, [IGNORE_INDEX] * len(ids), box_indices, kept, tokens, False)


def char_span(tokens: TokenizedText, token_span: tuple[int, int]) -> tuple[int, int]:
    """Token [start, end) -> character [start, end) in the report."""
    return tokens.offsets[token_span[0]][0], tokens.offsets[token_span[1] - 1][1]
