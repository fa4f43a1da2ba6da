"""Colormaps and compositing for export (numpy/OpenCV, no Qt)."""
