"""The saved PACS nodes without Qt: the JSON file, its corruption, atomic writes, migration."""

from __future__ import annotations

import json
import os
import sys

import pytest

from knowmvg_viewer.pacs import (
    DicomwebNode,
    DimseNode,
    NodeFileError,
    PacsError,
    SavedNode,
    SavedNodes,
    default_nodes_path,
)
from knowmvg_viewer.pacs.saved_nodes import set_aside

NODES = [
    SavedNode("pacs", DimseNode("ORTHANC", "10.0.0.5", 4242, calling_aet="WS1", move_port=11112)),
    SavedNode("web", DicomwebNode("https://pacs.example/dicom-web", "me", "s3cret-pw")),
]


def _legacy(nodes: list[SavedNode]) -> str:
    """What versions before pacs-nodes.json kept under the settings key "pacs/nodes"."""
    return json.dumps([saved.to_json() for saved in nodes])


def test_round_trip_never_writes_a_password(tmp_path):
    path = tmp_path / "config" / "pacs-nodes.json"  # the folder is created on first save
    SavedNodes(path, NODES).save()
    text = path.read_text()
    assert "s3cret-pw" not in text
    assert json.loads(text)["version"] == 1
    loaded = SavedNodes.load(path)
    assert list(loaded) == NODES  # the password is not part of a node's identity
    assert loaded[1].node.password is None
    assert loaded[0].node.move_port == 11112 and loaded[0].node.calling_aet == "WS1"


def test_changes_are_written_at_once(tmp_path):
    path = tmp_path / "pacs-nodes.json"
    nodes = SavedNodes.load(path)
    assert len(nodes) == 0 and not path.exists()  # no file and nothing to migrate: no write
    nodes.add(NODES[0])
    nodes.add(NODES[1])
    renamed = SavedNode("archive", NODES[0].node)
    nodes.replace(0, renamed)
    assert list(SavedNodes.load(path)) == [renamed, NODES[1]]
    assert nodes.index_of(NODES[1].node) == 1 and nodes.index_of(DimseNode("X", "h", 1)) is None
    nodes.remove(0)
    assert list(SavedNodes.load(path)) == [NODES[1]]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"version": 1, "nodes": [', "not JSON"),
        ('[{"kind": "dimse"}]', "expected"),
        ('{"version": 1, "nodes": {}}', "expected"),
        ('{"version": 7, "nodes": []}', "unknown version 7"),
    ],
)
def test_a_corrupt_file_is_one_error_and_is_left_alone(tmp_path, text, reason):
    path = tmp_path / "pacs-nodes.json"
    path.write_text(text)
    with pytest.raises(NodeFileError) as caught:
        SavedNodes.load(path, legacy=_legacy(NODES))  # the legacy list does not replace it
    assert isinstance(caught.value, PacsError)
    assert str(path) in str(caught.value) and reason in str(caught.value)
    assert "\n" not in str(caught.value)
    assert path.read_text() == text
    kept = set_aside(path)
    assert kept.name == "pacs-nodes.json.corrupt" and kept.read_text() == text
    assert not path.exists()


def test_an_entry_that_no_longer_parses_is_skipped(tmp_path, caplog):
    path = tmp_path / "pacs-nodes.json"
    broken = {"kind": "dimse", "called_aet": "", "host": "h", "port": 1}
    entries = [broken, "not a node", NODES[0].to_json()]
    path.write_text(json.dumps({"version": 1, "nodes": entries}))
    assert list(SavedNodes.load(path)) == [NODES[0]]
    assert "skipping a saved PACS node" in caplog.text


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "pacs-nodes.json"
    SavedNodes(path, NODES[:1]).save()
    before = path.read_text()

    def no_rename(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    nodes = SavedNodes.load(path)
    with pytest.raises(OSError):
        nodes.add(NODES[1])
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["pacs-nodes.json"]


def test_legacy_nodes_are_migrated_once(tmp_path):
    path = tmp_path / "pacs-nodes.json"
    migrated = SavedNodes.load(path, legacy=_legacy(NODES))
    assert list(migrated) == NODES
    assert path.exists() and "s3cret-pw" not in path.read_text()
    migrated.remove(0)
    # The file wins from now on: a legacy list still in the settings is not read again.
    assert list(SavedNodes.load(path, legacy=_legacy(NODES))) == [NODES[1]]


def test_unreadable_or_empty_legacy_nodes_migrate_nothing(tmp_path, caplog):
    path = tmp_path / "pacs-nodes.json"
    assert len(SavedNodes.load(path, legacy="[{not json")) == 0
    assert "unreadable" in caplog.text
    assert len(SavedNodes.load(path, legacy="[]")) == 0
    assert not path.exists()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG applies to Linux")
def test_the_default_file_is_in_the_user_config_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_nodes_path() == tmp_path / "knowmvg-viewer" / "pacs-nodes.json"
