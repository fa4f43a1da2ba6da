"""The PACS client end to end against a real Orthanc: echo, find, retrieve, send, faults."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pydicom
import pytest

from knowmvg_viewer.pacs import (
    AssociationRejected,
    DateRange,
    DicomwebNode,
    DimseNode,
    NodeUnreachable,
    PacsError,
    PacsInputError,
    PacsTimeout,
    RetrieveCancelled,
    ServerFailure,
    StudyCache,
    StudyNotFound,
    StudyQuery,
    Timeouts,
    make_client,
)

from .orthanc import OrthancServer, free_port
from .pacs_fixtures import (
    DICOMWEB_PASSWORD,
    DICOMWEB_USER,
    big_study,
    corpus_fixture,  # noqa: F401  (the `corpus` fixture)
    require_orthanc,
    same_instance,
    sent_copy,
)

pytestmark = pytest.mark.slow


def dimse(corpus, **kwargs):
    server = corpus.server
    return make_client(DimseNode(server.aet, "127.0.0.1", server.dicom_port, **kwargs))


def dicomweb(corpus, password=DICOMWEB_PASSWORD):
    return make_client(DicomwebNode(corpus.server.dicomweb_url, DICOMWEB_USER, password))


@pytest.fixture(params=["dimse", "dicomweb"])
def client(request, corpus):
    return dimse(corpus) if request.param == "dimse" else dicomweb(corpus)


def no_partials(folder):
    return [p.name for p in folder.iterdir() if ".partial-" in p.name]


# -- echo and find ------------------------------------------------------------------------
def test_verify_answers(client):
    client.verify()


QUERIES = [
    (StudyQuery(patient_id="DEMO-0001"), ["DEMO-0001"]),
    (StudyQuery(patient_id="DEMO-*"), ["DEMO-0001", "DEMO-0002"]),
    (StudyQuery(patient_name="DEMO*"), ["DEMO-0001", "DEMO-0002"]),
    (StudyQuery(patient_name="*SEC?ND"), ["DEMO-0002"]),
    (StudyQuery(study_date=DateRange.parse("20240101-20240331")), ["DEMO-0001"]),
    (StudyQuery(study_date=DateRange.parse("20040826")), ["9RG1"]),
    (StudyQuery(study_date=DateRange.parse("20240401-")), ["DEMO-0002"]),
    (StudyQuery(accession_number="KMVG240522002"), ["DEMO-0002"]),
    (StudyQuery(modality="SR"), ["DEMO-0002"]),
    (StudyQuery(modality="CR"), ["9RG1"]),
    (
        StudyQuery(patient_id="DEMO-*", modality="DX", study_date=DateRange.parse("-20240401")),
        ["DEMO-0001"],
    ),
    (StudyQuery(patient_id="NOBODY"), []),
]


@pytest.mark.parametrize(("query", "patients"), QUERIES)
def test_find_studies_filters(client, query, patients):
    found = client.find_studies(query)
    assert sorted(s.patient_id for s in found) == patients


def test_find_study_record_fields_agree_across_protocols(corpus):
    query = StudyQuery(patient_id="DEMO-0002")
    (over_dimse,) = dimse(corpus).find_studies(query)
    (over_web,) = dicomweb(corpus).find_studies(query)
    assert over_dimse == over_web
    assert over_dimse.study_instance_uid == corpus.study_of("DEMO-0002")
    assert over_dimse.patient_name == "DEMO^SECOND"
    assert over_dimse.study_date == "20240522"
    assert over_dimse.accession_number == "KMVG240522002"
    assert over_dimse.study_description == "XR CHEST PA"
    assert sorted(over_dimse.modalities_in_study) == ["DX", "SR"]
    assert (over_dimse.number_of_series, over_dimse.number_of_instances) == (3, 3)


def test_find_series(client, corpus):
    series = client.find_series(corpus.study_of("DEMO-0002"))
    assert sorted((s.modality, s.series_number, s.number_of_instances) for s in series) == [
        ("DX", 1, 1),
        ("DX", 2, 1),
        ("SR", 100, 1),
    ]
    assert {s.study_instance_uid for s in series} == {corpus.study_of("DEMO-0002")}


def test_find_series_of_unknown_study_is_empty(client):
    assert client.find_series("1.2.3.4.5.6.7") == []


# -- retrieve -----------------------------------------------------------------------------
RETRIEVERS = ["c-get", "c-move", "wado-rs"]


def retriever(kind, corpus):
    if kind == "c-get":
        return dimse(corpus)
    if kind == "c-move":
        return dimse(corpus, move_port=corpus.server.move_port)
    return dicomweb(corpus)


@pytest.mark.parametrize("kind", RETRIEVERS)
@pytest.mark.parametrize("patient", ["DEMO-0002", "9RG1"])
def test_retrieve_study_brings_every_instance_intact(kind, patient, corpus, tmp_path):
    """DX + SR study, and the JPEG 2000 CR film (must arrive as stored, not transcoded)."""
    study_uid = corpus.study_of(patient)
    progress = []
    result = retriever(kind, corpus).retrieve_study(
        study_uid, tmp_path / "study", progress=lambda done, total: progress.append((done, total))
    )
    expected = corpus.studies[study_uid]
    received = sorted(result.folder.glob("*.dcm"))
    assert result.folder == tmp_path / "study"
    assert sorted(p.stem for p in received) == sorted(expected)
    assert result.instances == len(expected)
    assert result.size_bytes == sum(p.stat().st_size for p in received)
    for path in received:
        assert same_instance(path, corpus.files[path.stem]), path.name
    assert progress[0] == (0, len(expected)) and progress[-1] == (len(expected), len(expected))
    assert no_partials(tmp_path) == []


def test_retrieved_folder_opens_as_a_study(corpus, tmp_path):
    from knowmvg_viewer.study import open_study

    result = dimse(corpus).retrieve_study(corpus.study_of("DEMO-0002"), tmp_path / "s")
    study = open_study(result.folder)
    assert len(study.images) == 2 and study.report is not None


@pytest.mark.parametrize("kind", RETRIEVERS)
def test_retrieve_unknown_study_is_a_clear_error(kind, corpus, tmp_path):
    with pytest.raises(StudyNotFound, match=r"study 1\.2\.3\.999 is not on this node"):
        retriever(kind, corpus).retrieve_study("1.2.3.999", tmp_path / "none")
    assert list(tmp_path.iterdir()) == []


def test_retrieve_refuses_a_non_empty_destination(corpus, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(PacsError, match="already exists and is not an empty folder"):
        dimse(corpus).retrieve_study(corpus.study_of("DEMO-0001"), tmp_path / "busy")
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("kind", RETRIEVERS)
def test_cancel_leaves_nothing_behind(kind, corpus, tmp_path):
    cancel = threading.Event()

    def progress(done, total):
        if done >= 1:
            cancel.set()

    with pytest.raises(RetrieveCancelled):
        retriever(kind, corpus).retrieve_study(
            corpus.study_of("DEMO-0002"), tmp_path / "study", progress, cancel
        )
    assert list(tmp_path.iterdir()) == []
    retriever(kind, corpus).verify()  # the node is still fine for the next request


@pytest.mark.parametrize("protocol", ["dimse", "dicomweb"])
def test_server_stopped_mid_transfer_leaves_no_partial_study(protocol, tmp_path):
    require_orthanc()
    study_uid, paths = big_study(tmp_path / "source", n=8)
    with OrthancServer() as server:
        server.upload(*paths)
        if protocol == "dimse":
            node = DimseNode(server.aet, "127.0.0.1", server.dicom_port)
        else:
            node = DicomwebNode(server.dicomweb_url)
        cache = StudyCache(tmp_path / "cache")
        seen = []

        def stop_server_after_first(done, total):
            seen.append(done)
            if done == 1:
                server.kill()

        with pytest.raises(PacsError) as error:
            cache.fetch(make_client(node), study_uid, progress=stop_server_after_first)
    assert 1 in seen and max(seen) < len(paths)
    assert isinstance(error.value, NodeUnreachable)
    assert "connection lost" in str(error.value) and "\n" not in str(error.value)
    assert cache.lookup(study_uid) is None
    assert list(cache.root.iterdir()) == []


# -- cache --------------------------------------------------------------------------------
def test_cache_keeps_complete_studies_and_does_not_retrieve_twice(corpus, tmp_path):
    cache = StudyCache(tmp_path / "cache", max_bytes=None)
    study_uid = corpus.study_of("DEMO-0002")
    folder = cache.fetch(dimse(corpus), study_uid)
    assert folder == cache.root / study_uid and len(list(folder.glob("*.dcm"))) == 3
    offline = make_client(DimseNode("ORTHANC", "127.0.0.1", free_port()))
    assert cache.fetch(offline, study_uid) == folder  # served from disk, no network
    assert cache.size_bytes() == sum(p.stat().st_size for p in folder.glob("*.dcm"))


def test_cache_evicts_least_recently_used(corpus, tmp_path):
    uids = [corpus.study_of(p) for p in ("DEMO-0001", "DEMO-0002", "9RG1")]
    cache = StudyCache(tmp_path / "cache", max_bytes=None)
    client = dimse(corpus)
    sizes = {}
    for uid in uids:
        sizes[uid] = sum(p.stat().st_size for p in cache.fetch(client, uid).glob("*"))
        time.sleep(0.02)  # distinct modification times
    cache.lookup(uids[0])  # now the first is recent, the second the least recently used
    cache.max_bytes = sizes[uids[0]] + sizes[uids[2]]
    assert cache.evict() == [uids[1]]
    assert [s.study_instance_uid for s in cache.studies()] == [uids[2], uids[0]]
    cache.clear()
    assert cache.size_bytes() == 0 and cache.studies() == []


def test_cache_fetch_takes_the_study_another_fetch_completed_meanwhile(corpus, tmp_path):
    cache = StudyCache(tmp_path / "cache", max_bytes=None)
    study_uid = corpus.study_of("DEMO-0001")
    theirs = cache.root / study_uid

    def other_fetch_finishes_first(done, total):
        if done == total:
            theirs.mkdir(exist_ok=True)
            (theirs / "theirs.dcm").write_bytes(b"x")

    assert cache.fetch(dimse(corpus), study_uid, other_fetch_finishes_first) == theirs
    assert [p.name for p in theirs.iterdir()] == ["theirs.dcm"]
    assert no_partials(cache.root) == []


# -- send ---------------------------------------------------------------------------------
@pytest.mark.parametrize("protocol", ["dimse", "dicomweb"])
def test_send_stores_new_instances_intact_and_reports_each_file(protocol, corpus, tmp_path):
    demo = corpus.files[corpus.studies[corpus.study_of("DEMO-0001")][0]]
    film = corpus.files[corpus.studies[corpus.study_of("9RG1")][0]]
    made = [
        sent_copy(demo, tmp_path / "dx.dcm", protocol),
        sent_copy(film, tmp_path / "cr-j2k.dcm", protocol),
    ]
    (tmp_path / "notes.dcm").write_text("not dicom")
    files = [
        tmp_path / "dx.dcm",
        tmp_path / "missing.dcm",
        tmp_path / "notes.dcm",
        tmp_path / "cr-j2k.dcm",
    ]
    client = dimse(corpus) if protocol == "dimse" else dicomweb(corpus)
    results = client.send(files)
    assert [r.path for r in results] == files
    assert [r.ok for r in results] == [True, False, False, True]
    assert results[1].reason == "file not found"
    assert results[2].reason.startswith("not a DICOM file")
    for ds, path in zip(made, [files[0], files[3]], strict=True):
        orthanc_id = corpus.server.find_instance(ds.SOPInstanceUID)
        assert orthanc_id is not None
        stored = tmp_path / f"stored-{ds.SOPInstanceUID}.dcm"
        stored.write_bytes(corpus.server.get_bytes(f"/instances/{orthanc_id}/file"))
        assert same_instance(stored, path)


def test_send_cancel_reports_unsent_files(corpus, tmp_path):
    demo = corpus.files[corpus.studies[corpus.study_of("DEMO-0001")][0]]
    files = []
    for i in range(3):
        sent_copy(demo, tmp_path / f"{i}.dcm", "CANCEL")
        files.append(tmp_path / f"{i}.dcm")
    cancel = threading.Event()
    results = dimse(corpus).send(files, lambda done, total: cancel.set() if done else None, cancel)
    assert [r.ok for r in results] == [True, False, False]
    assert [r.reason for r in results[1:]] == ["cancelled", "cancelled"]


# -- faults -------------------------------------------------------------------------------
def test_closed_port_is_unreachable_fast():
    port = free_port()
    for node in (
        DimseNode("ORTHANC", "127.0.0.1", port),
        DicomwebNode(f"http://127.0.0.1:{port}/dicom-web"),
    ):
        start = time.monotonic()
        with pytest.raises(NodeUnreachable, match=f"127.0.0.1.*{port}"):
            make_client(node).find_studies()
        assert time.monotonic() - start < 3.0


def test_wrong_called_ae_title_is_rejected_by_name(corpus):
    node = DimseNode("NOT-ORTHANC", "127.0.0.1", corpus.server.dicom_port)
    with pytest.raises(AssociationRejected, match="called AE title 'NOT-ORTHANC' not recognised"):
        make_client(node).verify()


def test_unknown_calling_ae_title_is_named(corpus):
    with pytest.raises(AssociationRejected, match="our AE title 'STRANGER'"):
        dimse(corpus, calling_aet="STRANGER").find_studies()


def test_wrong_password_is_rejected_without_showing_it(corpus):
    with pytest.raises(AssociationRejected, match="authentication failed for user 'knowmvg'") as e:
        dicomweb(corpus, password="wrong-secret").verify()
    assert "wrong-secret" not in str(e.value)


def test_silent_peer_times_out():
    """A socket that accepts connections but never speaks: every protocol gives up in time."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        timeouts = Timeouts(connect=0.5, dimse=0.5, network=0.5)
        for node in (
            DimseNode("ORTHANC", "127.0.0.1", port),
            DicomwebNode(f"http://127.0.0.1:{port}/dicom-web"),
        ):
            start = time.monotonic()
            with pytest.raises(PacsTimeout):
                make_client(node, timeouts).verify()
            assert time.monotonic() - start < 3.0


def test_no_patient_data_or_password_in_logs(corpus, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="knowmvg_viewer")
    caplog.set_level(logging.INFO)
    study_uid = corpus.study_of("DEMO-0002")
    for client in (dimse(corpus), dicomweb(corpus)):
        client.find_studies(StudyQuery(patient_id="DEMO-0002"))
        client.retrieve_study(study_uid, tmp_path / type(client).__name__)
    text = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert "retrieved 3 instances" in text
    for secret in ("DEMO-0002", "DEMO^SECOND", DICOMWEB_PASSWORD):
        assert secret not in text
    assert DICOMWEB_PASSWORD not in caplog.text  # not even at DEBUG
    assert DICOMWEB_PASSWORD not in repr(dicomweb(corpus).node)


def test_retrieved_instances_keep_their_transfer_syntax(corpus, tmp_path):
    study_uid = corpus.study_of("9RG1")
    folder = dimse(corpus).retrieve_study(study_uid, tmp_path / "cr").folder
    (path,) = folder.glob("*.dcm")
    assert pydicom.dcmread(path).file_meta.TransferSyntaxUID.name.startswith("JPEG 2000")


def test_c_move_to_a_port_the_node_does_not_send_to_says_so(corpus, tmp_path):
    wrong_port = free_port()  # Orthanc knows KNOWMVG at corpus.server.move_port only
    client = dimse(corpus, move_port=wrong_port)
    with pytest.raises(ServerFailure, match=f"send to 'KNOWMVG' at our port {wrong_port}"):
        client.retrieve_study(corpus.study_of("DEMO-0001"), tmp_path / "s")
    assert list(tmp_path.iterdir()) == []


def test_c_move_port_in_use_is_a_clear_error(corpus, tmp_path):
    with socket.socket() as busy:
        busy.bind(("", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(PacsInputError, match=f"cannot listen on C-MOVE port {port}"):
            dimse(corpus, move_port=port).retrieve_study(corpus.study_of("DEMO-0001"), tmp_path)


def test_wrong_dicomweb_root_is_named(corpus):
    node = DicomwebNode(f"{corpus.server.url}/not-dicom-web", DICOMWEB_USER, DICOMWEB_PASSWORD)
    with pytest.raises(ServerFailure, match="HTTP 404 .is this the DICOMweb root URL"):
        make_client(node).verify()
