"""PySide6 views: thin widgets over the Qt-free study state."""
