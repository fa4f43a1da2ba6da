"""PyInstaller's entry script: the `knowmvg-viewer` console script, frozen.

`knowmvg_viewer/ui/app.py` cannot be the script itself (it uses relative imports);
pyinstaller.spec names this file instead.
"""

import sys

from knowmvg_viewer.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
