"""Independent DICOM checkers for the export tests: dicom3tools' dciodvfy and dcmtk's dsrdump.

Test scaffolding only (the product never imports this module). Each helper runs the real
tool and returns what it printed; the tests decide what to assert. `tools_missing_reason()`
is None when both tools are installed (scripts/install_dicom_tools.sh installs them), else
why the tests that need them skip.

A derived object (SR, secondary capture, GSPS) copies the patient and study attributes of
its source image, so dciodvfy repeats what it finds wrong with those. `dciodvfy_errors` and
`dciodvfy_warnings` separate such messages from ours: a message counts as the source's when
dciodvfy prints the same line for the source file itself, or when it is one of
KNOWN_SOURCE_MESSAGES (each listed with why it is not ours).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

DCIODVFY = "dciodvfy"
DSRDUMP = "dsrdump"
NOT_INSTALLED = "{tool} not installed: run scripts/install_dicom_tools.sh"
TIMEOUT_S = 120

# Messages about attributes a derived object copies verbatim from its source header.
# Substring of the message -> why it is the source's and not ours.
KNOWN_SOURCE_MESSAGES: dict[str, str] = {
    "PN Referring Physician's Name  PN [1] = <ward> - Retired Person Name form": (
        "pydicom-data's RG1 CR film names its referring physician 'ward' (one component, "
        "no caret); the Patient/Study modules of a derived object must copy it unchanged"
    ),
}


@dataclass(frozen=True)
class Message:
    """One line of dciodvfy's verdict: severity "Error" or "Warning", and the text."""

    severity: str
    text: str

    @property
    def line(self) -> str:
        return f"{self.severity} - {self.text}"


_MESSAGE = re.compile(r"^(Error|Warning) - (.*)$")


def tools_missing_reason(*tools: str) -> str | None:
    """None when every tool (default: dciodvfy and dsrdump) is on PATH, else why not."""
    for tool in tools or (DCIODVFY, DSRDUMP):
        if shutil.which(tool) is None:
            return NOT_INSTALLED.format(tool=tool)
    return None


# What dciodvfy says of the real RG1 film's own header (a one-component Referring Physician's
# Name): a warning every object copying that header inherits.
RG1_INHERITED = {
    "Warning - Value dubious for this VR - (0x0008,0x0090) PN Referring Physician's Name  "
    "PN [1] = <ward> - Retired Person Name form",
}


def require_tools(*tools: str) -> None:
    """Skip the calling test, with the reason, when a tool is missing."""
    reason = tools_missing_reason(*tools)
    if reason is not None:
        pytest.skip(reason)


def dciodvfy(path: Path) -> list[Message]:
    """Every Error and Warning line dciodvfy prints for PATH (it writes them to stderr and
    exits non-zero when it found any; neither is an error here)."""
    done = subprocess.run(
        [DCIODVFY, str(path)], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    messages = []
    for line in (done.stderr + done.stdout).splitlines():
        match = _MESSAGE.match(line.strip())
        if match:
            messages.append(Message(match.group(1), match.group(2).strip()))
    return messages


def inherited(message: Message, source_messages: list[Message]) -> str | None:
    """Why MESSAGE is the source header's (None when it is ours)."""
    for known, why in KNOWN_SOURCE_MESSAGES.items():
        if known in message.text:
            return why
    if message in source_messages:
        return "dciodvfy prints the same line for the source image itself"
    return None


def _ours(path: Path, source: Path | None, severity: str) -> list[str]:
    source_messages = dciodvfy(source) if source is not None else []
    return [
        m.line
        for m in dciodvfy(path)
        if m.severity == severity and inherited(m, source_messages) is None
    ]


def inherited_lines(path: Path, source: Path) -> set[str]:
    """dciodvfy's lines on PATH that SOURCE's header brings with it (set aside as not ours)."""
    source_messages = dciodvfy(source)
    return {m.line for m in dciodvfy(path) if inherited(m, source_messages)}


def dciodvfy_errors(path: Path, source: Path | None = None) -> list[str]:
    """dciodvfy's error lines for PATH that are ours: those that are neither known source
    header messages nor printed for SOURCE (the image PATH was derived from) too."""
    return _ours(path, source, "Error")


def dciodvfy_warnings(path: Path, source: Path | None = None) -> list[str]:
    """As dciodvfy_errors, for warnings."""
    return _ours(path, source, "Warning")


@dataclass(frozen=True)
class SrItem:
    """One content item as dsrdump prints it: its position ("1.9.2.7"), relationship to its
    parent ("" for the root), value type, concept name code and value (as printed)."""

    position: str
    relationship: str
    value_type: str
    code: str
    scheme: str
    meaning: str
    value: str

    @property
    def parent(self) -> str:
        return self.position.rpartition(".")[0]


@dataclass(frozen=True)
class SrDump:
    """dsrdump's rendering of an SR's content tree, and its complaints (E:/F: lines)."""

    text: str
    problems: list[str]
    returncode: int
    items: list[SrItem]

    def children(self, item: SrItem | None = None) -> list[SrItem]:
        """The items directly below `item` (below nothing: the root)."""
        parent = item.position if item is not None else ""
        return [i for i in self.items if i.parent == parent]

    def named(self, code: str, under: SrItem | None = None) -> list[SrItem]:
        """The children of `under` (the whole tree when None) whose concept name is `code`."""
        pool = self.items if under is None else self.children(under)
        return [i for i in pool if i.code == code]


# 1.9.1.8  <contains SCOORD:(111030,DCM,"Image Region")=(POLYLINE,612.5/1400,...)>
_ITEM = re.compile(
    r"^(?P<position>\d+(?:\.\d+)*)\s+<(?:(?P<relationship>[a-z ]+) )?(?P<value_type>[A-Z0-9]+):"
    r"\((?P<code>[^,]*),(?P<scheme>[^,]*),\"(?P<meaning>[^\"]*)\"\)(?:=(?P<value>.*))?>$"
)
# numbered lines, full values and UIDs, every code, no document header, text as UTF-8
TREE_OPTIONS = ("+Pn", "+Pl", "+Pu", "+Pc", "-Ph", "+U8")


def dsrdump(path: Path, *options: str) -> SrDump:
    """dcmtk's dsrdump of PATH, with TREE_OPTIONS unless other options are given; `items`
    holds the content tree when the options number the lines (+Pn) and print codes (+Pc)."""
    done = subprocess.run(
        [DSRDUMP, *(options or TREE_OPTIONS), str(path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    problems = [line for line in done.stderr.splitlines() if line[:2] in ("E:", "F:")]
    items = []
    for line in done.stdout.splitlines():
        match = _ITEM.match(line.strip())
        if match:
            fields = {k: v or "" for k, v in match.groupdict().items()}
            items.append(SrItem(**fields))
    return SrDump(done.stdout, problems, done.returncode, items)
