"""Exporters (annotated PNG, JSON sidecar, DICOM SR); Qt-free."""
