"""The one error type the study layer raises for input it cannot use."""

from __future__ import annotations

from pathlib import Path


class StudyError(ValueError):
    """Bad input: names the file and the reason in one line, fit for a dialog or stderr."""

    def __init__(self, path: Path | str | None, reason: str) -> None:
        self.path = Path(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path}: {reason}" if self.path is not None else reason)
