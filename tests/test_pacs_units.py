"""PACS layer pieces that need no server: nodes, queries, contexts, multipart, staging, cache."""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest
from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless

from knowmvg_viewer.pacs import (
    DateRange,
    DicomwebNode,
    DimseNode,
    PacsInputError,
    StudyCache,
    StudyQuery,
    default_cache_root,
)
from knowmvg_viewer.pacs.dimse import MAX_CONTEXTS, RETRIEVE_TRANSFER_SYNTAXES, storage_contexts
from knowmvg_viewer.pacs.multipart import IncompleteMultipart, boundary_of, iter_parts
from knowmvg_viewer.pacs.query import validate_uid
from knowmvg_viewer.pacs.staging import StudyFolderWriter

from .test_architecture import QT_MODULES, TORCH_MODULES, _violations


def test_pacs_layer_imports_neither_qt_nor_torch():
    assert _violations(["knowmvg_viewer/pacs"], QT_MODULES | TORCH_MODULES) == []


# -- nodes --------------------------------------------------------------------------------
def test_dimse_node_parses_aet_host_port():
    node = DimseNode.parse("ORTHANC@pacs.example.org:4242", calling_aet="VIEWER1")
    assert (node.called_aet, node.host, node.port, node.calling_aet) == (
        "ORTHANC",
        "pacs.example.org",
        4242,
        "VIEWER1",
    )
    assert str(node) == "ORTHANC@pacs.example.org:4242"
    assert DimseNode.parse("A@[::1]:104").host == "::1"
    assert DimseNode.parse("A@h:104").calling_aet == "KNOWMVG"


@pytest.mark.parametrize(
    "text",
    [
        "ORTHANC",
        "ORTHANC@host",
        "@host:104",
        "ORTHANC@host:0",
        "ORTHANC@host:70000",
        "A" * 17 + "@host:104",
        "BAD\\AET@host:104",
        "ORTHANC@host:port",
    ],
)
def test_dimse_node_rejects_malformed_text(text):
    with pytest.raises(PacsInputError):
        DimseNode.parse(text)


def test_dicomweb_password_stays_out_of_repr_str_and_url():
    node = DicomwebNode("https://alice:hunter2@pacs.example.org/dicom-web/")
    assert node.url == "https://pacs.example.org/dicom-web"
    assert (node.username, node.password) == ("alice", "hunter2")
    assert "hunter2" not in repr(node) and "hunter2" not in str(node)
    explicit = DicomwebNode("http://pacs/dicom-web", "bob", "s3cret")
    assert "s3cret" not in repr(explicit)
    with pytest.raises(PacsInputError) as error:
        DicomwebNode("ftp://carol:pw-in-url@pacs/")
    assert "pw-in-url" not in str(error.value)


# -- queries ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "dicom"),
    [
        ("20240314", "20240314"),
        ("20240101-20241231", "20240101-20241231"),
        ("20240101-", "20240101-"),
        ("-20240101", "-20240101"),
    ],
)
def test_date_range_round_trips(text, dicom):
    assert DateRange.parse(text).to_dicom() == dicom


@pytest.mark.parametrize("text", ["2024", "20241301", "20240102-20240101", "-", "yesterday"])
def test_date_range_rejects_bad_dates(text):
    with pytest.raises(PacsInputError, match="invalid date"):
        DateRange.parse(text)


def test_study_query_sends_only_the_filters_given():
    query = StudyQuery(patient_name="DOE^J*", study_date=DateRange.parse("20240101-"))
    assert query.matching_keys() == {"PatientName": "DOE^J*", "StudyDate": "20240101-"}
    assert StudyQuery().matching_keys() == {}


@pytest.mark.parametrize("uid", ["../etc", "1.2.3/4", "1..2", "", "1." + "2" * 70])
def test_validate_uid_refuses_what_could_escape_a_folder(uid):
    with pytest.raises(PacsInputError):
        validate_uid(uid)


# -- presentation contexts ------------------------------------------------------------------
def test_storage_contexts_fit_the_association_limit():
    few = storage_contexts(["1.2.840.10008.5.1.4.1.1.1"])
    assert [c.transfer_syntax for c in few] == [[ts] for ts in RETRIEVE_TRANSFER_SYNTAXES]
    many = storage_contexts([f"1.2.3.{i}" for i in range(40)])
    assert len(many) < MAX_CONTEXTS  # one slot left for the C-GET context
    assert {c.abstract_syntax for c in many} == {f"1.2.3.{i}" for i in range(40)}
    first = [c.transfer_syntax[0] for c in many if c.abstract_syntax == "1.2.3.0"]
    assert first == [ExplicitVRLittleEndian, RETRIEVE_TRANSFER_SYNTAXES[1], JPEG2000Lossless]


# -- multipart ------------------------------------------------------------------------------
def multipart_body(parts: list[bytes], boundary: bytes = b"b0undary") -> bytes:
    body = b"".join(
        b"--" + boundary + b"\r\nContent-Type: application/dicom\r\n\r\n" + p + b"\r\n"
        for p in parts
    )
    return body + b"--" + boundary + b"--\r\n"


@pytest.mark.parametrize("chunk", [1, 3, 64, 1 << 20])
def test_multipart_parts_survive_any_chunking(chunk):
    parts = [os.urandom(n) for n in (0, 7, 50_000, 2)] + [b"--b0undar"]
    body = multipart_body(parts)
    chunks = [body[i : i + chunk] for i in range(0, len(body), chunk)]
    assert list(iter_parts(chunks, b"b0undary")) == parts


def test_multipart_cut_short_raises_and_never_yields_a_truncated_part():
    parts = [b"A" * 1000, b"B" * 1000]
    body = multipart_body(parts)
    for cut in (10, 700, 1500, len(body) - 12, len(body) - 3):
        got = []
        with pytest.raises(IncompleteMultipart):
            for part in iter_parts([body[:cut]], b"b0undary"):
                got.append(part)
        assert all(part in parts for part in got)


def test_boundary_is_read_from_the_content_type():
    ctype = 'multipart/related; type="application/dicom"; boundary="abc-123"'
    assert boundary_of(ctype) == b"abc-123"
    assert boundary_of("application/dicom") is None


# -- staging and cache ----------------------------------------------------------------------
def test_study_folder_appears_only_when_committed(tmp_path):
    dest = tmp_path / "study"
    with StudyFolderWriter(dest) as writer:
        writer.write("1.2.3", b"x" * 10)
        writer.write("1.2.4", b"y" * 5)
        writer.write("1.2.3", b"z" * 3)  # the same instance again replaces it
        assert not dest.exists()
        writer.commit()
    assert sorted(p.name for p in dest.iterdir()) == ["1.2.3.dcm", "1.2.4.dcm"]
    assert (writer.count, writer.size_bytes) == (2, 8)
    assert [p.name for p in tmp_path.iterdir()] == ["study"]


def test_study_folder_failure_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), StudyFolderWriter(tmp_path / "study") as writer:
        writer.write("1.2.3", b"x")
        raise RuntimeError("network gone")
    assert list(tmp_path.iterdir()) == []


def test_study_folder_refuses_unsafe_instance_names(tmp_path):
    with StudyFolderWriter(tmp_path / "study") as writer, pytest.raises(PacsInputError):
        writer.write("../../evil", b"x")


def test_study_folder_dot_is_the_current_folder_kept_and_filled(tmp_path, monkeypatch):
    """`--out .`: resolved first, so staging is not made inside the destination; an empty
    current folder is filled in place (the shell's working folder stays the same folder)."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    inode = os.stat(".").st_ino
    with StudyFolderWriter(Path(".")) as writer:
        writer.write("1.2.3", b"x")
        assert writer.commit() == Path(".")
    assert sorted(p.name for p in here.iterdir()) == ["1.2.3.dcm"]
    assert os.stat(".").st_ino == inode and [p.name for p in tmp_path.iterdir()] == ["here"]


@pytest.mark.parametrize("dest", [".", "sub/.."])
def test_study_folder_refuses_a_non_empty_current_folder(tmp_path, monkeypatch, dest):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    with pytest.raises(PacsInputError) as error:
        StudyFolderWriter(Path(dest))
    assert str(error.value) == (
        f"{tmp_path}: already exists and is not an empty folder "
        "(the study folder must be absent or empty)"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["sub"]


def test_study_folder_filled_meanwhile_is_a_one_line_input_error(tmp_path):
    dest = tmp_path / "study"
    with StudyFolderWriter(dest) as writer:
        writer.write("1.2.3", b"x")
        dest.mkdir()
        (dest / "theirs.txt").write_text("theirs")
        with pytest.raises(PacsInputError, match=f"^{dest}: filled up while retrieving"):
            writer.commit()
    assert [p.name for p in tmp_path.iterdir()] == ["study"]
    assert [p.name for p in dest.iterdir()] == ["theirs.txt"]


def test_study_folder_write_failure_names_the_destination(tmp_path):
    dest = tmp_path / "study"
    with StudyFolderWriter(dest) as writer:
        shutil.rmtree(writer.staging)  # as a full or vanished disk would fail the write
        with pytest.raises(PacsInputError) as error:
            writer.write("1.2.3", b"x")
    assert str(error.value) == f"{dest}: cannot write (No such file or directory)"


def test_study_folders_get_the_umask_mode_not_0700(tmp_path):
    old = os.umask(0o027)
    try:
        with StudyFolderWriter(tmp_path / "a" / "b" / "study") as writer:
            writer.write("1.2.3", b"x")
            writer.commit()
    finally:
        os.umask(old)
    for folder in ("a", "a/b", "a/b/study"):
        assert stat.S_IMODE((tmp_path / folder).stat().st_mode) == 0o750, folder


def test_study_folder_failure_removes_the_parents_it_made(tmp_path):
    (tmp_path / "kept").mkdir()
    with pytest.raises(RuntimeError), StudyFolderWriter(tmp_path / "kept/new/newer/study"):
        raise RuntimeError("unknown study")
    assert [p.name for p in tmp_path.iterdir()] == ["kept"]
    assert list((tmp_path / "kept").iterdir()) == []


def test_cache_root_honours_xdg_cache_home(monkeypatch, tmp_path):
    if os.name == "nt" or os.uname().sysname == "Darwin":
        pytest.skip("XDG applies on Linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_root() == tmp_path / "knowmvg-viewer" / "studies"
    assert StudyCache().root == tmp_path / "knowmvg-viewer" / "studies"


def test_cache_removes_stale_partials_but_keeps_fresh_ones(tmp_path):
    cache = StudyCache(tmp_path)
    stale = tmp_path / ".1.2.3.partial-old"
    fresh = tmp_path / ".1.2.4.partial-new"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / "x.dcm").write_bytes(b"x")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    cache.evict()
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name]
    assert cache.studies() == []  # unfinished retrievals are never cached studies
    assert cache.lookup("1.2.4") is None


@pytest.mark.parametrize("url", ["http://pacs:99999/dicom-web", "pacs/dicom-web", "file:///x"])
def test_dicomweb_node_rejects_malformed_urls(url):
    with pytest.raises(PacsInputError, match="invalid DICOMweb URL"):
        DicomwebNode(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://bob:se/cret@pacs/dicom-web",  # '/' ends the host: port 'se' is invalid
        "http://bob:12/cret@pacs/dicom-web",  # port 12 is valid, the path has the rest
        "bob:se/cret@pacs/dicom-web",
        "http://bob:se/cret@[::1/dicom-web",  # urlsplit itself refuses it
    ],
)
def test_malformed_dicomweb_url_message_masks_any_password(url):
    with pytest.raises(PacsInputError, match="invalid DICOMweb URL") as error:
        DicomwebNode(url)
    assert "cret" not in str(error.value) and "bob" not in str(error.value)
    assert "***@" in str(error.value)


def test_dicomweb_credentials_in_the_url_are_percent_decoded():
    node = DicomwebNode("http://bob:se%2Fcr%40et@pacs/dicom-web")
    assert (node.url, node.username, node.password) == ("http://pacs/dicom-web", "bob", "se/cr@et")
    assert DicomwebNode("http://bob@pacs/dicom-web").password is None


def test_dicomweb_credentials_move_out_of_an_ipv6_url():
    node = DicomwebNode("http://u:p@[::1]:8042/dicom-web/")
    assert (node.url, node.username, node.password) == ("http://[::1]:8042/dicom-web", "u", "p")


def test_a_rejection_the_acse_never_read_still_names_the_called_ae():
    """Orthanc rejects and closes at once; on a loaded machine pynetdicom can see the socket
    closed before reading the queued A-ASSOCIATE-RJ, and aborts. The reason must survive."""
    import queue
    from types import SimpleNamespace

    from pynetdicom.pdu_primitives import A_ASSOCIATE

    from knowmvg_viewer.pacs.dimse import DimseClient, _Probe

    reject = A_ASSOCIATE()
    reject.result, reject.result_source, reject.diagnostic = 0x01, 0x01, 0x07
    unread: queue.Queue = queue.Queue()
    unread.put(reject)
    assoc = SimpleNamespace(dul=SimpleNamespace(to_user_queue=unread))
    node = DimseNode.parse("WRONGAE@127.0.0.1:104")
    probe = _Probe(connected=True)
    probe.read_unread_reply(assoc)
    error = DimseClient(node)._association_error(probe, elapsed=0.01)
    assert error.reason == "association rejected: called AE title 'WRONGAE' not recognised"
