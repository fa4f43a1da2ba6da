"""The one error type the study layer raises for input it cannot use."""

from __future__ import annotations

from pathlib import Path


class StudyError(ValueError):
    """Bad input: names the file and the reason in one line, fit for a dialog or stderr."""

    def __init__(self, path: Path | str | None, reason: str) -> None:
        self.path = Path(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path}: {reason}" if self.path is not None else reason)

    def __reduce__(self):
        """Pickled with its own arguments: the viewer's decoder process sends it back to
        the GUI (Exception's default would call StudyError(message) and fail, which the
        process pool takes for a crashed child)."""
        return (type(self), (self.path, self.reason))
