"""Logging for the two entry points; library modules only create loggers."""

from __future__ import annotations

import logging


def configure_logging(verbose: bool = False) -> None:
    """Our messages at WARNING (INFO with `verbose`); library noise kept out of stderr.

    pydicom logs every failed decoding plugin with a traceback before raising; we report
    the raised error once, naming the file and transfer syntax. Python warnings from the
    libraries (pydicom's VR notes, highdicom's, numpy's) would add lines to a one-line
    error, and highdicom's name the patient ("Value of Patient's Name ... is invalid"):
    they go to the log, shown only with `verbose`.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s: %(name)s: %(message)s",
    )
    logging.getLogger("pydicom").setLevel(logging.CRITICAL)
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.WARNING if verbose else logging.ERROR)
