"""The user's saved PACS nodes: an ordered list of named nodes kept in one JSON file.

    nodes = SavedNodes.load(default_nodes_path())   # [] when the file does not exist yet
    nodes.add(SavedNode("archive", DimseNode.parse("ORTHANC@pacs:4242")))  # written at once

The file never holds a password. Every write is atomic (a temporary file in the same
folder, then a rename), so a crash leaves the old list or the new one, never half of one.
A file that exists but cannot be read raises `NodeFileError`; an entry that no longer
describes a valid node is skipped with a warning.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..export.atomic import write_bytes_atomic
from ..user_folders import user_folder
from .errors import PacsError
from .nodes import DEFAULT_CALLING_AET, DicomwebNode, DimseNode, PacsNode

log = logging.getLogger(__name__)

FILE_VERSION = 1
NODES_FILE_NAME = "pacs-nodes.json"


class NodeFileError(PacsError):
    """The saved-nodes file exists but is not a list of nodes we can read."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(None, f"{path}: unreadable saved PACS nodes ({reason})")


def default_nodes_path() -> Path:
    return user_folder("config") / NODES_FILE_NAME


@dataclass(frozen=True)
class SavedNode:
    """A node as the user named it. Equality ignores a DICOMweb password, as the node's does."""

    name: str
    node: PacsNode

    def to_json(self) -> dict:
        """The entry as stored: never a password."""
        node = self.node
        if isinstance(node, DimseNode):
            return {
                "name": self.name,
                "kind": "dimse",
                "called_aet": node.called_aet,
                "host": node.host,
                "port": node.port,
                "calling_aet": node.calling_aet,
                "move_port": node.move_port,
            }
        return {"name": self.name, "kind": "dicomweb", "url": node.url, "username": node.username}

    @classmethod
    def from_json(cls, data: dict) -> SavedNode:
        """PacsInputError, KeyError, TypeError or ValueError when the entry is not a node."""
        if data.get("kind") == "dicomweb":
            node: PacsNode = DicomwebNode(data["url"], username=data.get("username") or None)
        else:
            node = DimseNode(
                data["called_aet"],
                data["host"],
                int(data["port"]),
                calling_aet=data.get("calling_aet") or DEFAULT_CALLING_AET,
                move_port=data.get("move_port"),
            )
        return cls(str(data.get("name") or node), node)


def parse_entries(entries: object) -> list[SavedNode]:
    """The nodes among decoded JSON entries; one that no longer parses is skipped."""
    nodes = []
    for entry in entries if isinstance(entries, list) else []:
        try:
            nodes.append(SavedNode.from_json(entry))
        except (PacsError, AttributeError, KeyError, TypeError, ValueError) as exc:
            log.warning("skipping a saved PACS node: %s", exc)
    return nodes


class SavedNodes:
    """The ordered saved nodes; every change is written to `path` before it returns."""

    def __init__(self, path: Path, nodes: list[SavedNode] | None = None) -> None:
        self.path = Path(path)
        self._nodes = list(nodes or [])

    @classmethod
    def load(cls, path: Path, legacy: str | None = None) -> SavedNodes:
        """The nodes in `path`. When it does not exist, `legacy` (the JSON list an older
        version kept in its settings) is migrated into it once; no file and no legacy
        list is an empty list, and nothing is written. NodeFileError when the file is
        corrupt (it is left as it is)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls._migrate(path, legacy)
        except (OSError, UnicodeDecodeError) as exc:
            raise NodeFileError(path, getattr(exc, "strerror", None) or str(exc)) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NodeFileError(path, f"not JSON: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
            raise NodeFileError(path, 'expected {"version": 1, "nodes": [...]}')
        if data.get("version") != FILE_VERSION:
            raise NodeFileError(path, f"unknown version {data.get('version')!r}")
        return cls(path, parse_entries(data["nodes"]))

    @classmethod
    def _migrate(cls, path: Path, legacy: str | None) -> SavedNodes:
        try:
            entries = json.loads(legacy) if legacy else []
        except json.JSONDecodeError:
            log.warning("the PACS nodes saved by an older version are unreadable; none kept")
            entries = []
        nodes = cls(path, parse_entries(entries))
        if entries:
            nodes.save()
            log.info("moved %d saved PACS node(s) into %s", len(nodes), path)
        return nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[SavedNode]:
        return iter(self._nodes)

    def __getitem__(self, index: int) -> SavedNode:
        return self._nodes[index]

    def add(self, saved: SavedNode) -> None:
        self._nodes.append(saved)
        self.save()

    def replace(self, index: int, saved: SavedNode) -> None:
        self._nodes[index] = saved
        self.save()

    def remove(self, index: int) -> None:
        del self._nodes[index]
        self.save()

    def index_of(self, node: PacsNode) -> int | None:
        """The first saved node that is `node` (name aside), or None."""
        return next((i for i, saved in enumerate(self._nodes) if saved.node == node), None)

    def save(self) -> None:
        """Write the list atomically (OSError when the folder is not writable)."""
        data = {"version": FILE_VERSION, "nodes": [saved.to_json() for saved in self._nodes]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, indent=2) + "\n"
        write_bytes_atomic(self.path, text.encode("utf-8"), overwrite=True)


def set_aside(path: Path) -> Path:
    """Rename a corrupt file out of the way, so the next save does not overwrite what the
    user may still want to repair; returns the new name."""
    kept = path.with_name(path.name + ".corrupt")
    os.replace(path, kept)
    return kept
