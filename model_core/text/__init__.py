"""Report text: tokenizer, sequence layout, span-constrained decoding, negation scope."""
