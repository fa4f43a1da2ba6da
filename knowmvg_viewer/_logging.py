"""Logging for the two entry points; library modules only create loggers."""

from __future__ import annotations

import logging


def configure_logging(verbose: bool = False) -> None:
    """Our messages at WARNING (INFO with `verbose`); pydicom's decoder tracebacks silenced.

    pydicom logs every failed decoding plugin with a traceback before raising;
    we report the raised error once, naming the file and transfer syntax.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s: %(name)s: %(message)s",
    )
    logging.getLogger("pydicom").setLevel(logging.CRITICAL)
