"""`knowmvg pacs echo|find|get|send` against a real Orthanc: outputs, exit codes, stderr lines."""

from __future__ import annotations

import json

import pytest

from knowmvg_viewer.cli import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, main
from knowmvg_viewer.pacs import command

from .orthanc import free_port
from .pacs_fixtures import (
    DICOMWEB_PASSWORD,
    DICOMWEB_USER,
    corpus_fixture,  # noqa: F401  (the `corpus` fixture)
    same_instance,
    sent_copy,
)

pytestmark = pytest.mark.slow


@pytest.fixture()
def node(corpus):
    return ["--node", corpus.server.node_text]


@pytest.fixture()
def web(corpus, monkeypatch):
    monkeypatch.setenv(command.PASSWORD_ENV, DICOMWEB_PASSWORD)
    return ["--dicomweb", corpus.server.dicomweb_url, "--user", DICOMWEB_USER]


def run(capsys, *argv):
    status = main(["pacs", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_echo_over_both_protocols(node, web, capsys):
    status, out, err = run(capsys, "echo", *node)
    assert status == EXIT_OK and out.startswith(f"{node[1]}: C-ECHO ok") and err == ""
    status, out, _ = run(capsys, "echo", *web)
    assert status == EXIT_OK and "QIDO-RS ok" in out


def test_echo_wrong_called_ae_is_one_line_naming_it(corpus, capsys):
    target = f"WRONGAE@127.0.0.1:{corpus.server.dicom_port}"
    status, out, err = run(capsys, "echo", "--node", target)
    assert status == EXIT_BAD_INPUT and out == ""
    assert err.splitlines() == [
        f"{target}: association rejected: called AE title 'WRONGAE' not recognised"
    ]


def test_echo_closed_port_is_one_line(capsys):
    target = f"ORTHANC@127.0.0.1:{free_port()}"
    status, _, err = run(capsys, "echo", "--node", target)
    assert status == EXIT_BAD_INPUT
    assert len(err.splitlines()) == 1 and err.startswith(f"{target}: cannot connect")


@pytest.mark.parametrize("protocol", ["node", "web"])
def test_find_json_has_one_object_per_study_with_dicom_keywords(protocol, request, corpus, capsys):
    where = request.getfixturevalue(protocol)
    status, out, err = run(
        capsys, "find", *where, "--patient-id", "DEMO-*", "--modality", "SR", "--json"
    )
    assert status == EXIT_OK and err == ""
    (study,) = json.loads(out)
    assert study == {
        "StudyInstanceUID": corpus.study_of("DEMO-0002"),
        "PatientID": "DEMO-0002",
        "PatientName": "DEMO^SECOND",
        "StudyDate": "20240522",
        "StudyTime": study["StudyTime"],
        "StudyDescription": "XR CHEST PA",
        "AccessionNumber": "KMVG240522002",
        "ModalitiesInStudy": sorted(study["ModalitiesInStudy"]),
        "NumberOfStudyRelatedSeries": 3,
        "NumberOfStudyRelatedInstances": 3,
    }
    assert sorted(study["ModalitiesInStudy"]) == ["DX", "SR"]


def test_find_table_is_aligned(node, corpus, capsys):
    status, out, _ = run(
        capsys, "find", *node, "--patient-name", "DEMO*", "--date", "20240101-20241231"
    )
    assert status == EXIT_OK
    header, *rows = out.splitlines()
    assert len(rows) == 2
    uid_column = header.index("StudyInstanceUID")
    assert sorted(row[uid_column:] for row in rows) == sorted(
        corpus.study_of(p) for p in ("DEMO-0001", "DEMO-0002")
    )
    for name in ("PatientID", "Modalities", "Images"):
        column = header.index(name)
        assert all(row[column - 2 : column] == "  " and row[column] != " " for row in rows)


def test_find_empty_result_is_not_an_error(node, capsys):
    status, out, err = run(capsys, "find", *node, "--patient-id", "NOBODY", "--json")
    assert (status, json.loads(out), err) == (EXIT_OK, [], "")
    status, out, _ = run(capsys, "find", *node, "--accession", "NONE")
    assert (status, out) == (EXIT_OK, "no matching studies\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2024-01"], "invalid date '2024' (expected YYYYMMDD)"),
        (["--node", "ORTHANC@nohostport"], "invalid node 'ORTHANC@nohostport'"),
    ],
)
def test_find_bad_input_is_one_line(node, capsys, args, message):
    argv = ["find", *(args if args[0] == "--node" else [*node, *args])]
    status, _, err = run(capsys, *argv)
    assert status == EXIT_BAD_INPUT
    assert len(err.splitlines()) == 1 and message in err


@pytest.mark.parametrize("how", ["c-get", "c-move", "wado-rs"])
def test_get_writes_the_whole_study(how, node, web, corpus, tmp_path, capsys):
    study_uid = corpus.study_of("DEMO-0002")
    where = {
        "c-get": node,
        "c-move": [*node, "--move-port", str(corpus.server.move_port)],
        "wado-rs": web,
    }[how]
    out_dir = tmp_path / "study"
    status, out, err = run(capsys, "get", *where, "--study", study_uid, "--out", str(out_dir))
    assert status == EXIT_OK and err == ""
    assert out.startswith(f"{out_dir}: 3 instances")
    received = sorted(out_dir.glob("*.dcm"))
    assert sorted(p.stem for p in received) == sorted(corpus.studies[study_uid])
    assert all(same_instance(p, corpus.files[p.stem]) for p in received)


def test_get_bad_or_unknown_study_is_one_line(node, tmp_path, capsys):
    status, _, err = run(capsys, "get", *node, "--study", "1.2.x", "--out", str(tmp_path / "a"))
    assert (
        status == EXIT_BAD_INPUT
        and err == "invalid StudyInstanceUID '1.2.x' (digits and dots, at most 64)\n"
    )
    status, _, err = run(capsys, "get", *node, "--study", "1.2.3.4", "--out", str(tmp_path / "b"))
    assert status == EXIT_BAD_INPUT and err == f"{node[1]}: study 1.2.3.4 is not on this node\n"
    nested = tmp_path / "newa" / "newb" / "study"
    status, _, err = run(capsys, "get", *node, "--study", "1.2.3.4", "--out", str(nested))
    assert status == EXIT_BAD_INPUT and "is not on this node" in err
    assert list(tmp_path.iterdir()) == []  # nor the parent folders it would have made


def test_get_out_dot_fills_an_empty_current_folder(node, corpus, tmp_path, monkeypatch, capsys):
    study_uid = corpus.study_of("DEMO-0002")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    status, out, err = run(capsys, "get", *node, "--study", study_uid, "--out", ".")
    assert (status, err) == (EXIT_OK, "") and out.startswith(".: 3 instances")
    assert sorted(p.stem for p in here.iterdir()) == sorted(corpus.studies[study_uid])
    assert [p.name for p in tmp_path.iterdir()] == ["here"]


def test_get_out_dot_in_a_non_empty_folder_is_one_line(node, corpus, tmp_path, monkeypatch, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    status, out, err = run(
        capsys, "get", *node, "--study", corpus.study_of("DEMO-0002"), "--out", "."
    )
    assert (status, out) == (EXIT_BAD_INPUT, "")
    assert err == (
        f"{tmp_path}: already exists and is not an empty folder "
        "(the study folder must be absent or empty)\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("how", ["c-get", "wado-rs"])
def test_get_write_failure_is_one_line_naming_the_folder(how, node, web, corpus, tmp_path, capsys):
    """`ulimit -f` (the demo DX images are 3.9 MB): exit 2, one line, nothing left behind."""
    resource = pytest.importorskip("resource")  # POSIX
    where = {"c-get": node, "wado-rs": web}[how]
    out_dir = tmp_path / "study"
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, hard))
    try:
        status, out, err = run(
            capsys, "get", *where, "--study", corpus.study_of("DEMO-0002"), "--out", str(out_dir)
        )
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert (status, out, err) == (EXIT_BAD_INPUT, "", f"{out_dir}: cannot write (File too large)\n")
    assert list(tmp_path.iterdir()) == []


def test_send_goes_on_after_a_missing_file_and_exits_2(node, corpus, tmp_path, capsys):
    demo = corpus.files[corpus.studies[corpus.study_of("DEMO-0001")][0]]
    ds = sent_copy(demo, tmp_path / "new.dcm", "CLI")
    missing = tmp_path / "missing.dcm"
    status, out, err = run(capsys, "send", *node, str(missing), str(tmp_path / "new.dcm"))
    assert status == EXIT_BAD_INPUT
    assert err.splitlines() == [f"{missing}: file not found"]
    assert out.splitlines() == [f"{tmp_path / 'new.dcm'}: sent to {node[1]}"]
    assert corpus.server.find_instance(ds.SOPInstanceUID) is not None


def test_send_over_stow_rs(web, corpus, tmp_path, capsys):
    demo = corpus.files[corpus.studies[corpus.study_of("DEMO-0002")][0]]
    ds = sent_copy(demo, tmp_path / "new.dcm", "CLI-WEB")
    status, out, err = run(capsys, "send", *web, str(tmp_path / "new.dcm"))
    assert (status, err) == (EXIT_OK, "")
    assert corpus.server.find_instance(ds.SOPInstanceUID) is not None


def test_dicomweb_password_comes_only_from_the_environment(corpus, monkeypatch, capsys):
    monkeypatch.delenv(command.PASSWORD_ENV, raising=False)
    where = ["--dicomweb", corpus.server.dicomweb_url]
    status, _, err = run(capsys, "echo", *where, "--user", DICOMWEB_USER)
    assert (
        status == EXIT_BAD_INPUT
        and err == f"--user needs the password in ${command.PASSWORD_ENV}\n"
    )
    status, _, err = run(capsys, "echo", *where)
    assert status == EXIT_BAD_INPUT and "authentication required" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["pacs", "echo", *where, "--password", "x"])
    assert exit_info.value.code == EXIT_BAD_INPUT  # no such option: argparse usage error
    monkeypatch.setenv(command.PASSWORD_ENV, "not-the-password")
    status, _, err = run(capsys, "echo", *where, "--user", DICOMWEB_USER)
    assert status == EXIT_BAD_INPUT and "authentication failed" in err
    assert "not-the-password" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--calling-aet", "ME"], "--calling-aet applies to --node only"),
        (["--user", "u"], "--user applies to --dicomweb only"),
    ],
)
def test_options_of_the_other_protocol_are_refused(node, web, capsys, args, message):
    where = node if args[0] == "--user" else web
    status, _, err = run(capsys, "echo", *where, *args)
    assert (status, err) == (EXIT_BAD_INPUT, message + "\n")


def test_node_and_dicomweb_are_exclusive(node, web):
    with pytest.raises(SystemExit) as exit_info:
        main(["pacs", "echo", *node, *web[:2]])
    assert exit_info.value.code == EXIT_BAD_INPUT


def test_internal_error_exits_1(node, monkeypatch, capsys, caplog):
    def broken(_node, timeouts=None):
        raise RuntimeError("a bug")

    monkeypatch.setattr(command, "make_client", broken)
    status, _, err = run(capsys, "echo", *node)
    assert status == EXIT_INTERNAL and "internal error" in caplog.text
