"""The limits on what one input may cost, in one place (hardening issue).

A tiny hostile file or server must not exhaust memory: a 7.8 KB RLE file claiming
65535 x 65535 pixels, a 4 MB deflated file inflating to 28 GB, a WADO-RS part without end,
or QIDO-RS pages that never run out. Each limit is checked before the work it guards
(decoding, inflating, buffering, paging), and exceeding it is one clear message.

The defaults are far above any real chest radiograph (a 43 x 43 cm detector at 0.1 mm is
about 4,300 x 4,300 pixels, 37 MB at 16 bits). Each one can be changed with the
environment variable named beside it, read at start-up (see the user guide).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, fields, replace

log = logging.getLogger(__name__)

ENV_PREFIX = "KNOWMVG_"


@dataclass(frozen=True)
class InputLimits:
    """`max_pixels`: rows x columns x samples of one frame (KNOWMVG_MAX_PIXELS).
    `max_frame_bytes`: one decoded frame in memory (KNOWMVG_MAX_FRAME_BYTES).
    `max_expansion`: decoded bytes of a frame over the bytes stored for it, for compressed
    transfer syntaxes (KNOWMVG_MAX_EXPANSION); lossless JPEG/RLE of a radiograph stays
    under 10, a hostile file claims thousands.
    `max_inflated_bytes`: a deflated dataset after inflation (KNOWMVG_MAX_INFLATED_BYTES).
    `max_instance_bytes`: one instance received from a DICOMweb server
    (KNOWMVG_MAX_INSTANCE_BYTES).
    `max_query_results`: matches of one PACS query, all pages (KNOWMVG_MAX_QUERY_RESULTS).
    `max_query_bytes`: one QIDO-RS response body (KNOWMVG_MAX_QUERY_BYTES).
    """

    max_pixels: int = 100_000_000
    max_frame_bytes: int = 1 << 30
    max_expansion: float = 200.0
    max_inflated_bytes: int = 512 << 20
    max_instance_bytes: int = 2 << 30
    max_query_results: int = 10_000
    max_query_bytes: int = 64 << 20

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> InputLimits:
        """The defaults, each replaced by its KNOWMVG_<NAME> variable when that is a
        positive number; a malformed one is logged and ignored."""
        environ = dict(os.environ if environ is None else environ)
        changes: dict[str, float | int] = {}
        for item in fields(cls):
            raw = environ.get(ENV_PREFIX + item.name.upper())
            if raw is None:
                continue
            kind = float if item.type == "float" else int
            try:
                value = kind(raw)
            except ValueError:
                value = 0
            if value <= 0:
                log.warning(
                    "%s%s=%r is not a positive number; ignored", ENV_PREFIX, item.name.upper(), raw
                )
                continue
            changes[item.name] = value
        return replace(cls(), **changes)


_current = InputLimits.from_environment()


def limits() -> InputLimits:
    """The limits in force."""
    return _current


def set_limits(new: InputLimits) -> InputLimits:
    """Put `new` in force (a test, or an embedding application); returns the previous ones."""
    global _current
    previous, _current = _current, new
    return previous


def megabytes(size: float) -> str:
    """A byte count for a message: '1.5 GB', '240 MB'."""
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GB"
    return f"{size / (1 << 20):.0f} MB"
