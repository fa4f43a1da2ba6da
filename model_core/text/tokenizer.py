"""ReportTokenizer: a `tokenizers` BPE with our special tokens and exact character offsets.

Words are pre-tokenised independently (whitespace and punctuation), so a phrase's
tokens are exactly the report's tokens over the phrase's words: span-constrained
decoding and teacher forcing both use the report's own token subsequence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

TOKENIZER_NAME = "tokenizer.json"
PAD, BOS, EOS, SEP, BOX, UNK = "[PAD]", "[BOS]", "[EOS]", "[SEP]", "[BOX]", "[UNK]"
SPECIAL_TOKENS = [PAD, BOS, EOS, SEP, BOX, UNK]


@dataclass(frozen=True)
class TokenizedText:
    ids: list[int]
    offsets: list[tuple[int, int]]  # character [start, end) of each token in the text


class ReportTokenizer:
    def __init__(self, tokenizer: Tokenizer) -> None:
        missing = [t for t in SPECIAL_TOKENS if tokenizer.token_to_id(t) is None]
        if missing:
            tokenizer.add_special_tokens(missing)
        self.tokenizer = tokenizer
        self.pad_id, self.bos_id, self.eos_id, self.sep_id, self.box_id, self.unk_id = (
            tokenizer.token_to_id(t) for t in SPECIAL_TOKENS
        )

    @classmethod
    def train(cls, texts: Iterable[str], vocab_size: int = 2048) -> ReportTokenizer:
        """Train a lower-cased BPE on report text (deterministic for the same input)."""
        tokenizer = Tokenizer(models.BPE(unk_token=UNK))
        tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
        tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
        tokenizer.decoder = decoders.BPEDecoder()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            special_tokens=SPECIAL_TOKENS,
            min_frequency=2,
            show_progress=False,
        )
        tokenizer.train_from_iterator(texts, trainer=trainer)
        return cls(tokenizer)

    @classmethod
    def load(cls, directory: Path) -> ReportTokenizer:
        path = Path(directory) / TOKENIZER_NAME
        if not path.is_file():
            raise ValueError(f"{path}: missing (the model directory has no tokenizer)")
        try:
            return cls(Tokenizer.from_file(str(path)))
        except Exception as exc:  # tokenizers raises a bare Exception on bad JSON
            raise ValueError(f"{path}: unreadable tokenizer ({exc})") from None

    def save(self, directory: Path) -> Path:
        path = Path(directory) / TOKENIZER_NAME
        self.tokenizer.save(str(path))
        return path

    @property
    def vocab_size(self) -> int:
        return self.tokenizer.get_vocab_size(with_added_tokens=True)

    def encode(self, text: str) -> TokenizedText:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return TokenizedText(list(encoding.ids), [tuple(o) for o in encoding.offsets])

    def token_span(self, tokens: TokenizedText, start: int, end: int) -> tuple[int, int] | None:
        """Token indices [first, last) covering characters [start, end); None if no token."""
        inside = [i for i, (s, e) in enumerate(tokens.offsets) if s < end and e > start]
        return (inside[0], inside[-1] + 1) if inside else None
