"""Tokenizer offsets and the LM sequence layout (training and query mode)."""

from __future__ import annotations

import pytest

from model_core.text.sequences import IGNORE_INDEX, query_sequence, training_sequence
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
