"""Where a PACS is and how we talk to it: DIMSE nodes (AET@HOST:PORT) and DICOMweb nodes.

Nodes are plain frozen values so a settings panel can store, compare and show them;
`str(node)` is what error messages and logs name, and never contains a password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from .errors import PacsInputError

DEFAULT_CALLING_AET = "KNOWMVG"
_AET_FORBIDDEN = re.compile(r"[\\\x00-\x1f]")


def validate_aet(title: str, what: str = "AE title") -> str:
    """An AE title: 1-16 characters, no backslash or control characters, not all spaces."""
    if not title.strip() or len(title) > 16 or _AET_FORBIDDEN.search(title):
        raise PacsInputError(None, f"invalid {what} {title!r} (1-16 characters, no backslash)")
    return title.strip()


def _validate_port(port: int, what: str = "port") -> int:
    if not 1 <= port <= 65535:
        raise PacsInputError(None, f"invalid {what} {port} (1-65535)")
    return port


@dataclass(frozen=True)
class Timeouts:
    """Seconds allowed for each stage; every network call is bounded by one of these.

    `connect`: TCP connect and association negotiation (or HTTP connect);
    `dimse`: waiting for one DIMSE response; `network`: an idle socket (HTTP read).
    """

    connect: float = 10.0
    dimse: float = 30.0
    network: float = 60.0


@dataclass(frozen=True)
class DimseNode:
    """A DICOM (DIMSE) peer. `move_port` set: retrieve by C-MOVE to a storage SCP we open
    on that port (the PACS must know `calling_aet` at our host and that port); None: C-GET.
    """

    called_aet: str
    host: str
    port: int
    calling_aet: str = DEFAULT_CALLING_AET
    move_port: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "called_aet", validate_aet(self.called_aet, "called AE title"))
        object.__setattr__(self, "calling_aet", validate_aet(self.calling_aet, "calling AE title"))
        if not self.host:
            raise PacsInputError(None, "node host is empty")
        _validate_port(self.port)
        if self.move_port is not None:
            _validate_port(self.move_port, "C-MOVE port")

    def __str__(self) -> str:
        return f"{self.called_aet}@{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str, calling_aet: str = DEFAULT_CALLING_AET) -> DimseNode:
        """'AET@HOST:PORT' (IPv6 hosts in brackets: 'AET@[::1]:104')."""
        match = re.fullmatch(r"(?P<aet>[^@]+)@(?P<host>\[[^\]]+\]|[^:@]+):(?P<port>\d+)", text)
        if match is None:
            raise PacsInputError(None, f"invalid node {text!r} (expected AET@HOST:PORT)")
        host = match["host"].strip("[]")
        return cls(match["aet"], host, int(match["port"]), calling_aet=calling_aet)


@dataclass(frozen=True)
class DicomwebNode:
    """A DICOMweb service root (QIDO-RS, WADO-RS, STOW-RS under one base URL).

    Credentials embedded in the URL (http://user:pw@host/...) are moved out of it, so the
    URL can be logged; `password` is excluded from repr() and equality.
    """

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            parts = urlsplit(self.url)
            port = parts.port
        except ValueError:  # a malformed IPv6 host or port
            port, parts = None, None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise PacsInputError(None, f"invalid DICOMweb URL {self._safe_url()!r} (http(s)://...)")
        if "@" in parts.path:  # 'http://u:12/x@host/': a password holding "/" ends the host
            reason = "an '@' after the host; write '/' in a password as %2F"
            raise PacsInputError(None, f"invalid DICOMweb URL {self._safe_url()!r} ({reason})")
        username, password = self.username, self.password
        if parts.username is not None:
            username = username or unquote(parts.username)  # RFC 3986: percent-encoded
            if password is None and parts.password is not None:
                password = unquote(parts.password)
            host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
            parts = parts._replace(netloc=host + (f":{port}" if port else ""))
        object.__setattr__(self, "url", urlunsplit(parts).rstrip("/"))
        object.__setattr__(self, "username", username)
        object.__setattr__(self, "password", password)

    def _safe_url(self) -> str:
        """The URL as given, for error messages, with any user name and password masked.

        They end at the last "@" (a password may hold "/", ":" or "@"), so an "@" in the
        path masks the host too: better than showing a password.
        """
        start = self.url.find("//")
        start = start + 2 if start >= 0 else 0
        at = self.url.rfind("@")
        return self.url if at < start else f"{self.url[:start]}***{self.url[at:]}"

    def __str__(self) -> str:
        return self.url


PacsNode = DimseNode | DicomwebNode
