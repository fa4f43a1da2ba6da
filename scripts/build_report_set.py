"""Build the hand-annotated chest radiograph report development set.

    python3 scripts/build_report_set.py

Every report in `scripts/_report_set_<style>.py` was written by hand for this project from
general radiology knowledge; none comes from, or paraphrases, a public report corpus
(OpenI/Indiana, MIMIC-CXR, PadChest, CheXpert or any other). This script resolves each
phrase annotation to character offsets, validates the whole set and writes
`tests/data/reports/dev.jsonl` and `tests/data/reports/heldout.jsonl`: within each style,
even-indexed reports go to dev and odd-indexed ones to heldout. Annotation rules are in
`tests/data/reports/README.md`.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts._report_set_common import Phrase, Report  # noqa: E402

OUT_DIR = ROOT / "tests" / "data" / "reports"
STYLES = (
    "terse",
    "narrative",
    "icu",
    "chronic",
    "hedged",
    "british",
    "abbreviated",
    "lowercase",
    "comparison",
    "normal",
    "structured",
    "trauma",
    "oncology",
)
PER_STYLE = 22

FINDINGS = frozenset(
    {
        "atelectasis",
        "cardiomegaly",
        "consolidation",
        "edema",
        "effusion",
        "emphysema",
        "fibrosis",
        "hiatal hernia",
        "opacity",
        "mass",
        "nodule",
        "pleural thickening",
        "pneumonia",
        "pneumothorax",
        "enlarged cardiomediastinum",
        "fracture",
        "support device",
        "lung lesion",
        "pleural plaque",
        "ground-glass opacity",
        "interstitial opacity",
        "septal lines",
        "vascular congestion",
        "cavity",
        "bulla",
        "honeycombing",
        "bronchiectasis",
        "bronchial wall thickening",
        "hyperinflation",
        "scarring",
        "calcified granuloma",
        "hilar enlargement",
        "pneumomediastinum",
        "pneumoperitoneum",
        "subcutaneous emphysema",
        "elevated hemidiaphragm",
        "tortuous aorta",
        "aortic calcification",
        "degenerative spine",
        "scoliosis",
        "endotracheal tube",
        "tracheostomy tube",
        "nasogastric tube",
        "central venous catheter",
        "peripherally inserted central catheter",
        "pulmonary artery catheter",
        "chest tube",
        "pacemaker",
        "sternotomy wires",
        "surgical clips",
        "port",
    }
)
LATERALITIES = ("right", "left", "bilateral", None)
ASSERTIONS = ("positive", "negated", "uncertain")

# Section headers: "NAME:" anywhere after a line start, space or full stop, or NAME alone on
# a line. Phrases may not lie in the EXCLUDED sections; restatements must lie in SUMMARY ones.
EXCLUDED = (
    "clinical history",
    "clinical information",
    "clinical details",
    "history",
    "indications",
    "indication",
    "reason for examination",
    "reason for exam",
    "reason for study",
    "reason",
    "technique",
    "comparisons",
    "comparison",
    "examination",
    "exam",
    "procedure",
)
INCLUDED = ("findings", "report", "impression", "conclusion", "comments", "comment", "summary")
SUMMARY = frozenset({"impression", "conclusion", "comments", "comment", "summary"})
_NAMES = "|".join(re.escape(n) for n in EXCLUDED + INCLUDED)
_HEADER = re.compile(
    rf"(?:(?:^|(?<=[\s.]))(?P<a>{_NAMES})\s*:)|(?:^[ \t]*(?P<b>{_NAMES})[ \t]*\r?$)",
    re.IGNORECASE | re.MULTILINE,
)

# A phrase never starts with an article, "there", a verb, a hedge or a negation cue.
BAD_FIRST = frozenset(
    "the a an there is are was were no not without may might possible possibly probable "
    "probably likely suspicious concerning questionable question could can suggest "
    "suggests suggesting represent represents of with and or".split()
)
# Finding words that should normally sit inside some phrase (reported as warnings).
WATCH = re.compile(
    r"\b(?:effusions?|pneumothora(?:x|ces)|ptx|atelectasis|atelectatic|opacit(?:y|ies)|"
    r"consolidations?|o?edema|cardiomegaly|nodules?|mass(?:es)?|pneumonia|emphysema|"
    r"fractures?|granulomas?|scarring|catheter|ett|ngt|ogt|picc|cvc|pacemaker|pacer|"
    r"bronchiectasis|hyperinflat(?:ion|ed)|bullae?|honeycombing|plaques?|clips|wires)\b",
    re.IGNORECASE,
)

RIGHT_WORDS = frozenset({"right", "rt", "rll", "rml", "rul", "rij", "dextro"})
LEFT_WORDS = frozenset({"left", "lt", "lll", "lul", "lij"})
BOTH_WORDS = frozenset({"bilateral", "bilaterally", "bibasilar", "bibasal", "both", "biapical"})


def load() -> list[dict]:
    """Every report as {"id", "style", "report", "phrases": [Phrase, ...]}, CRLF applied."""
    out = []
    for style in STYLES:
        module = importlib.import_module(f"scripts._report_set_{style}")
        reports: list[Report] = module.REPORTS
        if len(reports) != PER_STYLE:
            raise SystemExit(f"{style}: {len(reports)} reports, want {PER_STYLE}")
        for i, item in enumerate(reports):
            text = item["report"]
            if item.get("crlf"):
                text = text.replace("\n", "\r\n")
            out.append(
                {
                    "id": f"{style}-{i + 1:02d}",
                    "style": style,
                    "report": text,
                    "phrases": item["phrases"],
                }
            )
    return out


def word_occurrences(report: str, text: str) -> list[int]:
    """Start offsets of `text` in `report` where neither end runs into a letter or digit."""
    starts = []
    pos = report.find(text)
    while pos != -1:
        before = report[pos - 1] if pos else " "
        after = report[pos + len(text)] if pos + len(text) < len(report) else " "
        if not before.isalnum() and not after.isalnum():
            starts.append(pos)
        pos = report.find(text, pos + 1)
    return starts


def sections(report: str) -> list[tuple[int, str]]:
    """(offset where the section's text starts, lower-case header name), in order."""
    found = []
    for m in _HEADER.finditer(report):
        name = (m.group("a") or m.group("b")).lower()
        found.append((m.end(), name))
    return found


def section_at(secs: list[tuple[int, str]], offset: int) -> str | None:
    name = None
    for start, header in secs:
        if start <= offset:
            name = header
    return name


def implied_side(text: str, style: str) -> str | None:
    """The side that the words of a span name, as the laterality convention reads them."""
    right = left = both = False
    if re.search(r"\bb/l\b", text, re.IGNORECASE):
        both = True
        text = re.sub(r"\bb/l\b", " ", text, flags=re.IGNORECASE)
    for word in re.findall(r"[A-Za-z]+", text):
        low = word.lower()
        if low in BOTH_WORDS:
            both = True
        elif low in RIGHT_WORDS or word == "R" or (style == "lowercase" and word == "r"):
            right = True
        elif low in LEFT_WORDS or word == "L" or (style == "lowercase" and word == "l"):
            left = True
    if both or (right and left):
        return "bilateral"
    return "right" if right else "left" if left else None


def resolve(item: dict, errors: list[str], warnings: list[str]) -> dict:
    report: str = item["report"]
    rid = item["id"]
    secs = sections(report)
    phrases = []
    raw: list[Phrase] = item["phrases"]
    for k, entry in enumerate(raw):
        where = f"{rid} phrase {k} {entry[0]!r}"
        if len(entry) != 6:
            errors.append(f"{where}: want 6 fields, got {len(entry)}")
            continue
        text, occurrence, finding, side, assertion, restates = entry
        starts = word_occurrences(report, text)
        if occurrence >= len(starts):
            errors.append(f"{where}: occurrence {occurrence} of {len(starts)} found")
            continue
        start = starts[occurrence]
        end = start + len(text)
        if finding not in FINDINGS:
            errors.append(f"{where}: unknown finding {finding!r}")
        if side not in LATERALITIES:
            errors.append(f"{where}: bad laterality {side!r}")
        if assertion not in ASSERTIONS:
            errors.append(f"{where}: bad assertion {assertion!r}")
        if text != text.strip() or not text[-1].isalnum() and text[-1] != ")":
            errors.append(f"{where}: span has stray edges")
        first = re.split(r"[\s,]+", text.strip())[0].lower()
        if first in BAD_FIRST:
            errors.append(f"{where}: span starts with {first!r}")
        if "\n" in text or "\r" in text:
            errors.append(f"{where}: span crosses a line end")
        implied = implied_side(text, item["style"])
        if implied != side:
            errors.append(f"{where}: laterality {side!r} but the span's words say {implied!r}")
        section = section_at(secs, start)
        if section in EXCLUDED:
            errors.append(f"{where}: inside the {section!r} section")
        if restates is not None:
            if not isinstance(restates, int) or not 0 <= restates < k:
                errors.append(f"{where}: restates {restates!r} is not an earlier phrase")
            else:
                target = phrases[restates] if restates < len(phrases) else None
                if target is None:
                    errors.append(f"{where}: restated phrase did not resolve")
                else:
                    if target["finding"] != finding:
                        errors.append(f"{where}: restates a {target['finding']!r} phrase")
                    if None not in (target["laterality"], side) and target["laterality"] != side:
                        errors.append(f"{where}: restates a phrase of the other side")
                    if section not in SUMMARY:
                        errors.append(f"{where}: restatement outside an impression section")
                    if section_at(secs, target["start"]) in SUMMARY:
                        errors.append(f"{where}: restates a phrase that is itself a summary")
        phrases.append(
            {
                "text": text,
                "start": start,
                "end": end,
                "finding": finding,
                "laterality": side,
                "assertion": assertion,
                "restates": restates,
            }
        )
    for a, b in zip(phrases, phrases[1:], strict=False):
        if b["start"] < a["end"]:
            errors.append(f"{rid}: {a['text']!r} and {b['text']!r} overlap or are out of order")
    for m in WATCH.finditer(report):
        if section_at(secs, m.start()) in EXCLUDED:
            continue
        if not any(p["start"] <= m.start() < p["end"] for p in phrases):
            line = report[max(0, m.start() - 40) : m.end() + 20]
            line = line.replace("\r", "").replace("\n", " ")
            warnings.append(f"{rid}: unannotated {m.group(0)!r} in ...{line}...")
    if "\r\n" in report and report.count("\r\n") != report.count("\n"):
        errors.append(f"{rid}: mixed line ends")
    return {"id": rid, "style": item["style"], "report": report, "phrases": phrases}


def main() -> int:
    items = load()
    errors: list[str] = []
    warnings: list[str] = []
    resolved = [resolve(item, errors, warnings) for item in items]
    ids = Counter(r["id"] for r in resolved)
    errors += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    texts = Counter(r["report"] for r in resolved)
    errors += [f"duplicate report text: {t[:60]!r}" for t, n in texts.items() if n > 1]
    counts = Counter(p["finding"] for r in resolved for p in r["phrases"])
    errors += [
        f"finding {f!r} has {counts[f]} phrases, want >= 2"
        for f in sorted(FINDINGS)
        if counts[f] < 2
    ]
    for w in warnings:
        print("warning:", w)
    if errors:
        for e in errors:
            print("error:", e)
        print(f"{len(errors)} errors")
        return 1
    halves: dict[str, list[dict]] = {"dev": [], "heldout": []}
    for style in STYLES:
        of_style = [r for r in resolved if r["style"] == style]
        for i, r in enumerate(of_style):
            halves["dev" if i % 2 == 0 else "heldout"].append(r)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, rows in halves.items():
        with open(OUT_DIR / f"{name}.jsonl", "w", encoding="utf-8", newline="\n") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    assertions = Counter(p["assertion"] for r in resolved for p in r["phrases"])
    total = sum(assertions.values())
    print(f"{len(resolved)} reports, {total} phrases, {len(warnings)} warnings")
    for name, rows in halves.items():
        per = Counter(r["style"] for r in rows)
        print(name, len(rows), dict(per), "phrases", sum(len(r["phrases"]) for r in rows))
    print("assertions", dict(assertions))
    print("crlf reports", sum("\r\n" in r["report"] for r in resolved))
    print("findings", dict(sorted(counts.items(), key=lambda kv: kv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
