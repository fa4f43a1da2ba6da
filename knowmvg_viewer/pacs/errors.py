"""The one exception family the PACS layer raises; each message is one line fit for stderr.

An empty query result is not an error (an empty list). Callers that only need to tell
"the user can fix this" from "a bug" catch `PacsError`; the subclasses exist so a panel
can react differently (offer to edit the node, retry later, ...).
"""

from __future__ import annotations


class PacsError(Exception):
    """A PACS operation failed for a reason outside our code; `node` names the server."""

    def __init__(self, node: object, reason: str) -> None:
        self.node = str(node) if node is not None else None
        self.reason = reason
        super().__init__(f"{self.node}: {reason}" if self.node else reason)


class PacsInputError(PacsError, ValueError):
    """Our own input is unusable: a malformed node, date, UID, or a missing file."""


class NodeUnreachable(PacsError):
    """No connection: nothing listens at host:port, the name does not resolve, or it dropped."""


class AssociationRejected(PacsError):
    """The node refused us: wrong called/calling AE title, or (DICOMweb) bad credentials."""


class PacsTimeout(PacsError):
    """The node accepted the connection but did not answer in time."""


class ServerFailure(PacsError):
    """The node answered with a failure status (DIMSE status or HTTP error)."""

    def __init__(self, node: object, reason: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(node, reason)


class StudyNotFound(PacsError):
    """A retrieve named a study that the node does not hold, or one without instances."""


class RetrieveCancelled(PacsError):
    """The caller set the cancel event; nothing partial was left behind."""
