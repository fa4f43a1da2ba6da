#!/usr/bin/env bash
# Installs the independent DICOM checkers the conformance tests run: dcmtk (dsrdump, dcmdump,
# dcm2pnm) and dicom3tools (dciodvfy). Never fatal: without them those tests skip and say why.
set -u
if command -v dciodvfy >/dev/null 2>&1 && command -v dsrdump >/dev/null 2>&1 \
    && command -v dcmdump >/dev/null 2>&1 && command -v dcm2pnm >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_dicom_tools: no apt-get here; the DICOM conformance tests will skip" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install_dicom_tools: not root and no passwordless sudo; the DICOM conformance tests will skip" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq dcmtk dicom3tools; } >/dev/null; then
    echo "install_dicom_tools: apt-get install dcmtk dicom3tools failed; the DICOM conformance tests will skip" >&2
fi
exit 0
