#!/usr/bin/env bash
# Installs the Orthanc PACS (with its DICOMweb plugin) that the PACS tests run against.
# Never fatal: without Orthanc those tests skip and say why.
set -u
if { command -v Orthanc >/dev/null 2>&1 || [ -x /usr/sbin/Orthanc ]; } && [ -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_orthanc: no apt-get here; the PACS tests will skip" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install_orthanc: not root and no passwordless sudo; the PACS tests will skip" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq orthanc orthanc-dicomweb; } >/dev/null; then
    echo "install_orthanc: apt-get install orthanc orthanc-dicomweb failed; the PACS tests will skip" >&2
fi
# The package's init script may have started a system-wide server; the tests start their own.
exit 0
