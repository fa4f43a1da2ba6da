#!/usr/bin/env bash
# Installs the independent DICOM checkers the conformance tests run: dcmtk (dsrdump, dcmdump,
# dcm2pnm, dcmpschk, dcmp2pgm) and dicom3tools (dciodvfy). Never fatal: without them those
# tests skip and say why.
exec bash "$(dirname "$0")/apt_install.sh" install_dicom_tools "the DICOM conformance tests" \
    "command -v dciodvfy && command -v dsrdump && command -v dcmdump && command -v dcm2pnm" \
    dcmtk dicom3tools
