"""Tokenizer offsets, sequence layout and span-constrained decoding."""

from __future__ import annotations

import random

import pytest

from model_core.text.sequences import IGNORE_INDEX, char_span, query_sequence, training_sequence
from model_core.text.spans import SpanConstraint
from model_core.text.tokenizer import ReportTokenizer

REPORT = (
    "FINDINGS: There is a small left pleural effusion. Patchy opacity in the right lower lobe. "
    "No pneumothorax. Small left pleural effusion again noted."
)


@pytest.fixture(scope="module")
def tokenizer() -> ReportTokenizer:
    return ReportTokenizer.train([REPORT] * 30 + ["Heart size is normal. Élan 2 cm²."] * 5, 180)


def test_offsets_index_the_original_text(tokenizer):
    text = "Small LEFT effusion, 1.5 cm.\nÉlan"
    tokens = tokenizer.encode(text)
    assert len(tokens.offsets) == len(tokens.ids)
    for start, end in tokens.offsets:
        assert 0 <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
    assert tokenizer.token_span(tokens, 6, 10) == (1, 2)  # "LEFT"


def test_training_sequence_layout(tokenizer):
    start = REPORT.index("small left pleural effusion")
    span = (start, start + len("small left pleural effusion"))
    opacity = REPORT.index("Patchy opacity")
    spans = [(opacity, opacity + len("Patchy opacity")), span]
    seq = training_sequence(tokenizer, REPORT, spans, max_report_tokens=200)
    report_len = len(seq.report_tokens.ids)
    assert seq.ids[report_len] == tokenizer.sep_id
    assert seq.phrase_indices == [1, 0]  # report order
    assert all(seq.ids[i] == tokenizer.box_id for i in seq.box_indices)
    assert seq.ids[-1] == tokenizer.eos_id
    assert all(label == IGNORE_INDEX for label in seq.labels[: report_len + 1])
    assert seq.labels[report_len + 1 :] == seq.ids[report_len + 1 :]
    first_phrase = seq.ids[report_len + 1 : seq.box_indices[0]]
    tok_span = tokenizer.token_span(seq.report_tokens, *span)
    assert first_phrase == seq.report_tokens.ids[tok_span[0] : tok_span[1]]


def test_truncated_report_drops_phrases_beyond_the_limit(tokenizer, caplog):
    end = REPORT.index("again")
    spans = [(10, 20), (end, end + 5)]
    seq = training_sequence(tokenizer, REPORT, spans, max_report_tokens=8)
    assert seq.truncated and seq.phrase_indices == [0]
    assert "only the first 8 are read" in caplog.text


def _decode_with(constraint: SpanConstraint, choose) -> list[tuple[int, int]]:
    for _ in range(200):
        constraint.advance(choose(constraint.allowed()))
        if constraint.done:
            break
    return constraint.spans


@pytest.mark.parametrize("seed", range(20))
def test_any_allowed_choice_yields_verbatim_report_spans(tokenizer, seed):
    """Whatever the model prefers, every emitted phrase is a span of the report."""
    tokens = tokenizer.encode(REPORT)
    rng = random.Random(seed)
    constraint = SpanConstraint(tokens.ids, tokenizer.box_id, tokenizer.eos_id, max_phrases=4)

    def choose(allowed):
        stop = {tokenizer.box_id, tokenizer.eos_id} & set(allowed)
        if stop and rng.random() < 0.3:
            return sorted(stop)[0]
        return rng.choice(allowed)

    spans = _decode_with(constraint, choose)
    assert constraint.done and len(spans) <= 4
    for token_span in spans:
        start, end = char_span(tokens, token_span)
        phrase_ids = tokens.ids[token_span[0] : token_span[1]]
        assert tokenizer.encode(REPORT[start:end]).ids == phrase_ids


def test_repeated_phrase_maps_to_its_next_occurrence(tokenizer):
    tokens = tokenizer.encode(REPORT.lower())
    phrase = tokenizer.encode("left pleural effusion").ids
    constraint = SpanConstraint(tokens.ids, tokenizer.box_id, tokenizer.eos_id)
    for _ in range(2):
        for token in phrase:
            constraint.advance(token)
        constraint.advance(tokenizer.box_id)
    first, second = constraint.spans
    assert first != second and first[0] < second[0]


def test_disallowed_token_is_rejected(tokenizer):
    constraint = SpanConstraint([7, 8, 9], tokenizer.box_id, tokenizer.eos_id)
    with pytest.raises(ValueError, match="not allowed"):
        constraint.advance(tokenizer.box_id)  # a phrase cannot be empty


def test_query_sequence_uses_report_tokens_or_free_text(tokenizer):
    tokens = tokenizer.encode(REPORT)
    start = REPORT.index("right lower lobe")
    seq = query_sequence(
        tokenizer, tokens, [((start, start + 16), "right lower lobe"), (None, "heart"), (None, "")]
    )
    assert seq.phrase_indices == [0, 1] and len(seq.box_indices) == 2
    span = tokenizer.token_span(tokens, start, start + 16)
    sep = len(tokens.ids)
    assert seq.ids[sep + 1 : seq.box_indices[0]] == tokens.ids[span[0] : span[1]]
