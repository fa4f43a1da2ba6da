"""Fuzz target: the DICOMweb multipart/related reader (`boundary_of`, `iter_parts`).

Input format (text, so mutations stay meaningful):
    line 1: the Content-Type header, decoded as latin-1 as HTTP headers are
    line 2: chunk sizes, comma separated and cycled ("" = the body in one chunk),
            optionally ";max=N" for the caller's part size limit
    rest:   the body
Contract: parts, or IncompleteMultipart / PartTooLarge (ValueErrors) with one line; a part is
never longer than the limit; without a limit the parts and the outcome do not depend on how
the body was chunked.
"""

from __future__ import annotations

import itertools
import re

import atheris
from _harness import OURS, fuzz, one_line

with atheris.instrument_imports(include=OURS):
    from knowmvg_viewer.pacs.multipart import (
        IncompleteMultipart,
        PartTooLarge,
        boundary_of,
        iter_parts,
    )


def parse(data: bytes) -> tuple[str, list[int], int | None, bytes]:
    header, _, rest = data.partition(b"\n")
    spec, _, body = rest.partition(b"\n")
    sizes_text, _, max_text = spec.decode("latin-1").partition(";max=")
    sizes = [n for n in map(_number, sizes_text.split(",")) if n]
    return header.decode("latin-1"), sizes, _number(max_text), body


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"[0-9]{1,7}", text) else None


def chunked(body: bytes, sizes: list[int]) -> list[bytes]:
    if not sizes:
        return [body]
    chunks, at = [], 0
    for size in itertools.cycle(sizes):
        if at >= len(body):
            return chunks
        chunks.append(body[at : at + size])
        at += size
    return chunks


def outcome(chunks: list[bytes], boundary: bytes, most: int | None) -> tuple[list[bytes], str]:
    parts: list[bytes] = []
    try:
        for part in iter_parts(iter(chunks), boundary, most):
            if most is not None and len(part) > most:
                raise AssertionError(f"a part of {len(part)} bytes passed the limit {most}")
            parts.append(part)
    except (IncompleteMultipart, PartTooLarge) as exc:
        one_line(exc)
        return parts, type(exc).__name__
    return parts, "complete"


def check(data: bytes) -> None:
    content_type, sizes, most, body = parse(data)
    boundary = boundary_of(content_type)
    if boundary is None:
        return
    if not isinstance(boundary, bytes):
        raise AssertionError(f"boundary_of returned {boundary!r}")
    result = outcome(chunked(body, sizes), boundary, most)
    if most is None and sizes:
        whole = outcome([body], boundary, None)
        if result != whole:
            raise AssertionError(
                f"chunked by {sizes}: {len(result[0])} parts, {result[1]}; "
                f"in one chunk: {len(whole[0])} parts, {whole[1]}"
            )


if __name__ == "__main__":
    fuzz(check)
