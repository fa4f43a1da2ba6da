"""Negation and uncertainty scope on report sentences written in MIMIC-CXR / OpenI style."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from model_core.knowledge import KnowledgeBase
from model_core.text import negation
from model_core.text.negation import (
    Assertion,
    ScopedMention,
    assertion_of,
    normal_statements,
    scope_mentions,
)

PRESENT, NEGATED, UNCERTAIN = Assertion.POSITIVE, Assertion.NEGATED, Assertion.UNCERTAIN


def _span(text: str, mention: str, nth: int = 0) -> tuple[int, int]:
    """Character span of the nth occurrence of mention in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(mention, start + 1)
    return start, start + len(mention)


def case(text: str, mention: str, expected: Assertion, nth: int = 0):
    return pytest.param(text, mention, nth, expected, id=f"{expected.value}: {text}")


CASES = [
    # simple negation
    case("No pleural effusion.", "pleural effusion", NEGATED),
    case("There is no pneumothorax.", "pneumothorax", NEGATED),
    case("The lungs are clear without focal consolidation.", "consolidation", NEGATED),
    case("No radiographic evidence of pneumonia.", "pneumonia", NEGATED),
    case("Negative for pneumothorax.", "pneumothorax", NEGATED),
    case("The lungs are clear of consolidation or edema.", "edema", NEGATED),
    case("No evidence of pulmonary edema.", "edema", NEGATED),
    case("No definite focal consolidation.", "consolidation", NEGATED),
    case("Absence of pleural effusion is confirmed on the lateral view.", "effusion", NEGATED),
    case("Without evidence of pneumothorax following chest tube removal.", "pneumothorax", NEGATED),
    case("No focal consolidation to suggest pneumonia.", "pneumonia", NEGATED),
    case("There is no longer a left pleural effusion.", "effusion", NEGATED),
    case("No further evidence of pneumothorax.", "pneumothorax", NEGATED),
    # lists and neither/nor
    case("No pleural effusion, pneumothorax or focal consolidation.", "consolidation", NEGATED),
    case("No pleural effusion, pneumothorax or focal consolidation.", "pneumothorax", NEGATED),
    case(
        "There is no evidence of focal consolidation, pleural effusion, pulmonary edema, or "
        "pneumothorax.",
        "pneumothorax",
        NEGATED,
    ),
    case("Neither pleural effusion nor pneumothorax is seen.", "pleural effusion", NEGATED),
    case("Neither pleural effusion nor pneumothorax is seen.", "pneumothorax", NEGATED),
    # post-negation
    case("The previously seen left pleural effusion has resolved.", "effusion", NEGATED),
    case("The right apical pneumothorax is no longer seen.", "pneumothorax", NEGATED),
    case("Pneumothorax is not identified.", "Pneumothorax", NEGATED),
    case("Pleural effusions are absent.", "effusions", NEGATED),
    case("Right lower lobe consolidation has cleared.", "consolidation", NEGATED),
    case("Interval resolution of the left lower lobe atelectasis.", "atelectasis", NEGATED),
    case("Effusion, pneumothorax, and consolidation are absent.", "Effusion", NEGATED),
    case("The nodule is not appreciated on the current study.", "nodule", NEGATED),
    case("Pneumothorax has been ruled out on the expiratory view.", "Pneumothorax", NEGATED),
    case("The cardiac silhouette is within normal limits.", "cardiac silhouette", NEGATED),
    case("Resolved left pneumothorax.", "pneumothorax", NEGATED),
    # pseudo-negations: the finding is still there
    case("No change in the right pleural effusion.", "effusion", PRESENT),
    case("No significant change in the small left pleural effusion.", "effusion", PRESENT),
    case("No interval change in the right upper lobe nodule.", "nodule", PRESENT),
    case("No increase in the size of the left apical pneumothorax.", "pneumothorax", PRESENT),
    case("Unchanged moderate cardiomegaly.", "cardiomegaly", PRESENT),
    case("Left basilar atelectasis, without change since the prior study.", "atelectasis", PRESENT),
    case("The small left effusion has partially resolved.", "effusion", PRESENT),
    case(
        "The left lower lobe consolidation is not significantly changed.", "consolidation", PRESENT
    ),
    case("Not significantly changed small left pleural effusion.", "effusion", PRESENT),
    case("History of gram-negative pneumonia, now with fever.", "pneumonia", PRESENT),
    case("There is not only cardiomegaly but also pulmonary edema.", "cardiomegaly", PRESENT),
    case("No pneumothorax and no change in the small left effusion.", "effusion", PRESENT),
    case("Line placed without difficulty, small apical pneumothorax.", "pneumothorax", PRESENT),
    case("No change in the small left effusion or atelectasis.", "atelectasis", PRESENT),
    # uncertainty hedges
    case("Right basilar opacity may represent atelectasis.", "atelectasis", UNCERTAIN),
    case("Right basilar opacity may represent atelectasis.", "opacity", PRESENT),
    case("Possible small left pleural effusion.", "effusion", UNCERTAIN),
    case("Findings are suspicious for pneumonia.", "pneumonia", UNCERTAIN),
    case("Pneumonia cannot be excluded.", "Pneumonia", UNCERTAIN),
    case("An early pneumonia can not be excluded in this setting.", "pneumonia", UNCERTAIN),
    case("Cannot exclude a small left pneumothorax.", "pneumothorax", UNCERTAIN),
    case("A small effusion is not excluded.", "effusion", UNCERTAIN),
    case("Left lower lobe opacity, atelectasis versus pneumonia.", "atelectasis", UNCERTAIN),
    case("Left lower lobe opacity, atelectasis versus pneumonia.", "pneumonia", UNCERTAIN),
    case("Atelectasis vs. consolidation at the left base.", "consolidation", UNCERTAIN),
    case("Bibasilar opacities likely reflect atelectasis.", "atelectasis", UNCERTAIN),
    case("Questionable nodule in the right mid lung.", "nodule", UNCERTAIN),
    case("Concern for developing pneumonia in the left lower lobe.", "pneumonia", UNCERTAIN),
    case("Findings are suggestive of mild pulmonary edema.", "edema", UNCERTAIN),
    case("The differential diagnosis includes pneumonia and aspiration.", "pneumonia", UNCERTAIN),
    case("Probable small hiatal hernia.", "hiatal hernia", UNCERTAIN),
    case("Patchy opacity in the right lower lobe could be pneumonia.", "pneumonia", UNCERTAIN),
    case("Pneumonia is unlikely.", "Pneumonia", UNCERTAIN),
    case("Pneumonia less likely.", "Pneumonia", UNCERTAIN),
    case("Atelectasis is more likely than pneumonia.", "pneumonia", UNCERTAIN),
    case(
        "Small apical pneumothorax is not well seen on this portable film.",
        "pneumothorax",
        UNCERTAIN,
    ),
    case("Atelectasis with or without superimposed pneumonia.", "pneumonia", UNCERTAIN),
    case("Small effusion and/or atelectasis at the right base.", "atelectasis", UNCERTAIN),
    case("Atelectasis or pneumonia at the left base.", "Atelectasis", UNCERTAIN),
    case("INDICATION: Cough. ? pneumonia.", "pneumonia", UNCERTAIN),
    case("Borderline cardiomegaly.", "cardiomegaly", UNCERTAIN),
    case(
        "It is not certain whether this represents atelectasis or pneumonia.",
        "atelectasis",
        UNCERTAIN,
    ),
    # decided ambiguous cues (see the module docstring)
    case("No new focal consolidation.", "consolidation", NEGATED),
    case("The endotracheal tube has been removed.", "endotracheal tube", NEGATED),
    case("Rule out pneumonia.", "pneumonia", UNCERTAIN),
    case("INDICATION: Fever, r/o pneumonia.", "pneumonia", UNCERTAIN),
    case("Streaky opacity likely atelectasis rather than pneumonia.", "pneumonia", NEGATED),
    case("Streaky opacity likely atelectasis rather than pneumonia.", "atelectasis", UNCERTAIN),
    # scope terminators
    case("No effusion, but there is a right lower lobe consolidation.", "consolidation", PRESENT),
    case("No effusion, but there is a right lower lobe consolidation.", "effusion", NEGATED),
    case(
        "No pneumothorax; however, a small left pleural effusion is present.", "effusion", PRESENT
    ),
    case("No focal consolidation although there is mild pulmonary edema.", "edema", PRESENT),
    case("No acute abnormality aside from a small hiatal hernia.", "hiatal hernia", PRESENT),
    case(
        "Lungs clear with the exception of minimal left basilar atelectasis.",
        "atelectasis",
        PRESENT,
    ),
    case("No pneumothorax and stable small right pleural effusion.", "effusion", PRESENT),
    case(
        "No pneumothorax is seen and the left lower lobe atelectasis is unchanged.",
        "atelectasis",
        PRESENT,
    ),
    case(
        "No infiltrate, effusion or pneumothorax is seen; there is moderate cardiomegaly.",
        "cardiomegaly",
        PRESENT,
    ),
    case("No effusion, possible pneumonia.", "pneumonia", UNCERTAIN),
    case("No pneumothorax but small bilateral pleural effusions.", "effusions", PRESENT),
    case(
        "No focal consolidation, however patchy atelectasis at the left base.",
        "atelectasis",
        PRESENT,
    ),
    case("Left basilar atelectasis persists and effusion has resolved.", "atelectasis", PRESENT),
    case("Left basilar atelectasis persists and effusion has resolved.", "effusion", NEGATED),
    case("Effusion resolved, consolidation persists.", "consolidation", PRESENT),
    case("Effusion unchanged, pneumothorax has resolved.", "Effusion", PRESENT),
    case(
        "No large pleural effusion, although a small effusion cannot be excluded.",
        "effusion",
        UNCERTAIN,
        nth=1,
    ),
    # sentence bounds: no cue crosses a sentence end; "Dr." and "1.5" are not sentence ends
    case("No pleural effusion. Consolidation in the right lower lobe.", "Consolidation", PRESENT),
    case("There is no pneumothorax. Possible small right pleural effusion.", "effusion", UNCERTAIN),
    case("Mild pulmonary edema has improved. There is no pneumothorax.", "edema", PRESENT),
    case(
        "The right apical pneumothorax reported to Dr. Patel yesterday is no longer visualized.",
        "pneumothorax",
        NEGATED,
    ),
    case("There is no evidence of a 1.5 cm or larger nodule.", "nodule", NEGATED),
    case(
        "INDICATION: Evaluate for pneumonia\nFINDINGS: Right lower lobe consolidation.",
        "consolidation",
        PRESENT,
    ),
    case(
        "INDICATION: Evaluate for pneumonia\nFINDINGS: Right lower lobe consolidation.",
        "pneumonia",
        UNCERTAIN,
    ),
    case("No pneumothorax.\n\nLarge right pleural effusion", "effusion", PRESENT),
]


@pytest.mark.parametrize(("text", "mention", "nth", "expected"), CASES)
def test_assertion_of_report_phrasing(text, mention, nth, expected):
    assertion, _ = assertion_of(text, *_span(text, mention, nth))
    assert assertion is expected


def test_there_are_many_cases_of_each_assertion():
    counts = {a: sum(p.values[-1] is a for p in CASES) for a in Assertion}
    assert len(CASES) >= 40 and min(counts.values()) >= 15, counts


@pytest.mark.parametrize(
    ("text", "mention", "cue"),
    [
        ("No definite pneumothorax.", "pneumothorax", "no definite"),
        ("No new focal consolidation.", "consolidation", "no new"),
        ("Pneumonia cannot be excluded.", "Pneumonia", "cannot be excluded"),
        ("There is no pleural effusion.", "pleural effusion", "there is no"),
        ("The left effusion has\n  resolved.", "effusion", "has resolved"),
        ("No change in the right effusion.", "effusion", None),
        ("Right lower lobe consolidation.", "consolidation", None),
    ],
)
def test_assertion_of_reports_the_deciding_cue(text, mention, cue):
    assert assertion_of(text, *_span(text, mention))[1] == cue


@pytest.mark.parametrize(
    ("text", "mention", "phrase"),
    [
        ("No pleural effusion.", "pleural effusion", "No pleural effusion"),
        (
            "There is no focal consolidation, pleural effusion, or pneumothorax.",
            "pneumothorax",
            "There is no focal consolidation, pleural effusion, or pneumothorax",
        ),
        (
            "The left pleural effusion has resolved.",
            "pleural effusion",
            "pleural effusion has resolved",
        ),
        ("Heart size is normal.", "Heart size", "Heart size is normal"),
        ("Possible right lower lobe pneumonia.", "pneumonia", "pneumonia"),
        ("No change in the right pleural effusion.", "pleural effusion", "pleural effusion"),
    ],
)
def test_phrase_span_indexes_the_text_exactly(text, mention, phrase):
    start, end = _span(text, mention)
    (scoped,) = scope_mentions(text, [(start, end, "finding")])
    assert text[scoped.phrase_start : scoped.phrase_end] == phrase


def test_scope_mentions_on_a_full_report_keeps_order_and_spans():
    report = (
        "FINDINGS: Heart size is normal. There is a small right pleural effusion, but no "
        "pneumothorax. Patchy right basilar opacity may represent atelectasis.\n\n"
        "IMPRESSION: No change in the right effusion. No focal consolidation."
    )
    wanted = [  # (words, occurrence, finding, assertion)
        ("effusion", 0, "effusion", PRESENT),
        ("pneumothorax", 0, "pneumothorax", NEGATED),
        ("opacity", 0, "opacity", PRESENT),
        ("atelectasis", 0, "atelectasis", UNCERTAIN),
        ("effusion", 1, "effusion", PRESENT),
        ("consolidation", 0, "consolidation", NEGATED),
    ]
    mentions = [(*_span(report, words, nth), finding) for words, nth, finding, _ in wanted]
    scoped = scope_mentions(report, mentions)
    assert [(m.start, m.end, m.finding) for m in scoped] == mentions
    assert [m.assertion for m in scoped] == [assertion for *_, assertion in wanted]
    assert report[scoped[1].phrase_start : scoped[1].phrase_end] == "no pneumothorax"
    assert report[scoped[5].phrase_start : scoped[5].phrase_end] == "No focal consolidation"
    assert isinstance(scoped[0], ScopedMention) and scoped[0].cue is None


@pytest.mark.parametrize(
    ("text", "statement", "findings", "cue"),
    [
        ("Heart size is normal.", "Heart size is normal", ["cardiomegaly"], "normal"),
        (
            "The cardiac silhouette is within normal limits.",
            "The cardiac silhouette is within normal limits",
            ["cardiomegaly"],
            "within normal limits",
        ),
        ("Normal heart size.", "Normal heart size", ["cardiomegaly"], "normal"),
        (
            "The heart is not enlarged.",
            "The heart is not enlarged",
            ["cardiomegaly"],
            "not enlarged",
        ),
        (
            "Heart size and mediastinal contours are normal.",
            "Heart size and mediastinal contours are normal",
            ["cardiomegaly"],
            "normal",
        ),
        (
            "The lungs are well expanded and clear.",
            "The lungs are well expanded and clear",
            ["consolidation", "opacity"],
            "clear",
        ),
        ("Lungs clear.", "Lungs clear", ["consolidation", "opacity"], "clear"),
        (
            "No focal airspace disease.",
            "No focal airspace disease",
            ["consolidation", "opacity"],
            "no",
        ),
        (
            "The costophrenic angles are sharp.",
            "The costophrenic angles are sharp",
            ["effusion"],
            "sharp",
        ),
        ("Normal pulmonary vascularity.", "Normal pulmonary vascularity", ["edema"], "normal"),
    ],
)
def test_normal_statement_spans_and_findings(text, statement, findings, cue):
    found = normal_statements(text)
    assert sorted(m.finding for m in found) == findings
    for m in found:
        assert m.assertion is NEGATED and m.cue == cue
        assert text[m.start : m.end] == statement == text[m.phrase_start : m.phrase_end]


@pytest.mark.parametrize(
    "text",
    [
        "The heart size is mildly enlarged.",
        "Heart size is top normal to mildly enlarged.",
        "Heart size is probably normal.",
        "The lungs are not clear.",
        "The lungs are clear of consolidation.",  # names the finding: a mention, not a statement
        "Left lower lobe consolidation. The lungs are otherwise clear.",
        "Small left pleural effusion. Otherwise, the lungs are clear.",
        "Mediastinal contours are normal.",  # says nothing reliable about a mass
    ],
)
def test_no_normal_statement(text):
    assert normal_statements(text) == []


def test_a_header_line_ends_the_sentence_before_it():
    report = "INDICATION: Otherwise healthy man with cough\nFINDINGS: The lungs are clear."
    assert [m.finding for m in normal_statements(report)] == ["consolidation", "opacity"]


def test_normal_statements_in_a_report_index_the_text():
    report = (
        "PA and lateral views of the chest.\n"
        "FINDINGS: The heart size is within normal limits. The lungs are clear.\n"
        "The costophrenic angles are sharp. No pneumothorax.\n"
    )
    found = [(report[m.start : m.end], m.finding) for m in normal_statements(report)]
    names = {f.name for f in KnowledgeBase.load().findings}
    assert {finding for _, finding in found} <= names
    assert found == [
        ("The heart size is within normal limits", "cardiomegaly"),
        ("The lungs are clear", "consolidation"),
        ("The lungs are clear", "opacity"),
        ("The costophrenic angles are sharp", "effusion"),
    ]


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (4, 2), (0, 99)])
def test_bad_mention_span_raises_with_the_numbers(start, end):
    with pytest.raises(ValueError, match=rf"\[{start}, {end}\).*length 20"):
        scope_mentions("No pleural effusion.", [(start, end, "effusion")])


def test_module_uses_only_the_standard_library():
    tree = ast.parse(Path(negation.__file__).read_text())
    modules = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert modules <= {"__future__", "bisect", "dataclasses", "enum", "re"}
