"""Strict streaming reader for multipart/related bodies (RFC 2046), as WADO-RS sends them.

A part is yielded only once the delimiter after it has arrived, and the body must end with
the close delimiter: a response cut short (server stopped, connection dropped) raises
`IncompleteMultipart` instead of passing a truncated instance on as if it were whole.
(dicomweb-client's reader yields whatever trails the last delimiter at end of stream.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class IncompleteMultipart(ValueError):
    """The body ended before its close delimiter."""


class PartTooLarge(ValueError):
    """A part grew past the caller's limit before its delimiter arrived."""


def boundary_of(content_type: str) -> bytes | None:
    """The boundary parameter of a multipart Content-Type header, or None."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "boundary":
            return value.strip().strip('"').encode("latin-1")
    return None


def _body_start(buffer: bytearray, end: int) -> int:
    """Where a part's body begins: after its header lines and the empty line."""
    if buffer.startswith(b"\r\n"):  # no header lines
        return 2
    separator = buffer.find(b"\r\n\r\n", 0, end)
    if separator < 0:
        raise IncompleteMultipart("a part has no header/body separator")
    return separator + 4


def iter_parts(
    chunks: Iterable[bytes], boundary: bytes, max_part_bytes: int | None = None
) -> Iterator[bytes]:
    """Each part's body, in order, as soon as it is complete. A part longer than
    `max_part_bytes` raises PartTooLarge as soon as that much of it is buffered, so a
    server sending one endless part cannot fill the memory."""
    delimiter = b"\r\n--" + boundary
    buffer = bytearray(b"\r\n")  # the first delimiter may open the body without a CRLF
    in_part = False
    scan = 0  # where to resume searching: never rescan what holds no delimiter
    for chunk in chunks:
        buffer += chunk
        if max_part_bytes is not None and len(buffer) > max_part_bytes + len(delimiter) + 4096:
            if buffer.find(delimiter, scan) < 0:  # no part ends in what is buffered
                raise PartTooLarge(f"a part is larger than {max_part_bytes} bytes")
        while True:
            at = buffer.find(delimiter, scan)
            tail = at + len(delimiter)
            if at < 0 or len(buffer) < tail + 2:
                scan = max(0, len(buffer) - len(delimiter) - 1) if at < 0 else at
                break
            closing = buffer[tail : tail + 2] == b"--"
            line_end = -1 if closing else buffer.find(b"\r\n", tail)
            if not closing and line_end < 0:  # the delimiter line is not complete yet
                scan = at
                break
            if in_part:
                body = buffer[_body_start(buffer, at) : at]
                if max_part_bytes is not None and len(body) > max_part_bytes:
                    raise PartTooLarge(f"a part is larger than {max_part_bytes} bytes")
                yield bytes(body)
            if closing:
                return
            del buffer[: line_end + 2]
            in_part, scan = True, 0
    raise IncompleteMultipart("the response ended before its last part was complete")
