"""Train our BPE tokenizer on report text: `python -m model_core.text.train_tokenizer`.

The corpus is the reports of a prepared training split plus the knowledge base's
finding descriptions (the model also reads those as knowledge text).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..data.prepared import PreparedSplit
from ..knowledge import KnowledgeBase
from .tokenizer import ReportTokenizer

log = logging.getLogger(__name__)


def tokenizer_corpus(split: PreparedSplit, knowledge: KnowledgeBase) -> list[str]:
    """Reports, knowledge texts and every wording the knowledge base knows (ETT, PTX, RLL...),
    so report words outside the synthetic grammar still get whole tokens."""
    reports = [record["report"] for record in split.records]
    texts = [knowledge.knowledge_text(finding.name) for finding in knowledge.findings]
    wordings = [", ".join((f.name, *f.synonyms)) for f in knowledge.findings]
    wordings += [", ".join((r.name, *r.synonyms)) for r in knowledge.regions]
    return reports + texts + wordings


def train_tokenizer(
    split: PreparedSplit, knowledge: KnowledgeBase, vocab_size: int
) -> ReportTokenizer:
    return ReportTokenizer.train(tokenizer_corpus(split, knowledge), vocab_size=vocab_size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model_core.text.train_tokenizer")
    parser.add_argument("--data", type=Path, required=True, help="prepared training split")
    parser.add_argument("--out", type=Path, required=True, help="folder for tokenizer.json")
    parser.add_argument("--vocab-size", type=int, default=2048)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    tokenizer = train_tokenizer(
        PreparedSplit.load(args.data), KnowledgeBase.load(), args.vocab_size
    )
    args.out.mkdir(parents=True, exist_ok=True)
    log.info("wrote %s (%d tokens)", tokenizer.save(args.out), tokenizer.vocab_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
