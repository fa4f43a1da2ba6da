"""The resources locator works from a checkout and from an installed wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from knowmvg_viewer.resources import demo_study_dir, resources_dir

from .conftest import REPO_ROOT


def test_checkout_layout_finds_repo_resources():
    assert resources_dir() == REPO_ROOT / "resources"
    assert (demo_study_dir() / "report.txt").is_file()


@pytest.mark.slow
def test_installed_wheel_carries_and_finds_resources(tmp_path):
    wheel_dir, site = tmp_path / "wheel", tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(REPO_ROOT),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = wheel_dir.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    assert any(n.startswith("knowmvg_viewer/_resources/demo/") for n in names)
    code = "from knowmvg_viewer.resources import demo_study_dir; print(demo_study_dir())"
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    located = result.stdout.strip()
    assert located.startswith(str(site)) and os.path.isdir(located)
