"""Report text: sections, knowledge-guided phrase extraction, negation scope, tokenizer and
the LM sequence layout."""
