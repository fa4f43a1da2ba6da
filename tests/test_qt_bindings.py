"""The Qt bindings keep None's reference count: on Python 3.11 (None not yet immortal) a binding
that returns None without a reference makes the viewer abort after enough calls ("Fatal Python
error: none_dealloc"); PySide6 6.12.0 did so on every Qt method returning void."""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.ui
CALLS = 1000


def test_qt_calls_returning_void_keep_nones_reference_count(qapp):
    label = QLabel()
    label.setText("warm")
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
    gc.collect()
    assert sys.getrefcount(None) - before > -CALLS // 2  # 6.12.0: exactly -CALLS
