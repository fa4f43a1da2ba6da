#!/usr/bin/env bash
# Installs the Orthanc PACS (with its DICOMweb plugin) that the PACS tests run against.
# Never fatal: without Orthanc those tests skip and say why. The package's init script may
# start a system-wide server; the tests start their own.
exec bash "$(dirname "$0")/apt_install.sh" install_orthanc "the PACS tests" \
    "{ command -v Orthanc || [ -x /usr/sbin/Orthanc ]; } && [ -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]" \
    orthanc orthanc-dicomweb
