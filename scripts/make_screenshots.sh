#!/usr/bin/env bash
# Regenerates the user guide's screenshots (docs/images/) with the viewer's own --screenshot,
# offscreen, with fresh settings, the bundled model and the bundled demo studies:
#     bash scripts/make_screenshots.sh
# The real chest film is pydicom-data's RG1_J2KR.dcm (JPEG 2000), shown with a short report.
set -euo pipefail
cd "$(dirname "$0")/.."
viewer=.venv/bin/knowmvg-viewer
[[ -x $viewer ]] || { echo "make_screenshots: run 'make test' or 'make run' first (.venv)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" QT_QPA_PLATFORM=offscreen

"$viewer" --screenshot docs/images/viewer-demo.png --select 0
"$viewer" resources/demo/chest-pa-002 --screenshot docs/images/viewer-sr-report.png --select 1

film=$(.venv/bin/python -c "from pydicom.data import get_testdata_file; print(get_testdata_file('RG1_J2KR.dcm', download=False))")
mkdir -p "$scratch/film"
cp "$film" "$scratch/film/RG1_J2KR.dcm"
printf 'FINDINGS: Patchy airspace opacities in the left lower zone. No pleural effusion. No pneumothorax.\n' \
    > "$scratch/film/report.txt"
"$viewer" "$scratch/film" --screenshot docs/images/viewer-real-film.png --select 0
# the same film stored turned by 90 degrees (PatientOrientation H\L), as a landscape cassette
# may send it: grounded upright, boxes drawn on the film as stored
mkdir -p "$scratch/turned"
cp "$scratch/film/report.txt" "$scratch/turned/"
.venv/bin/python - "$film" "$scratch/turned/turned.dcm" <<'PY'
import sys

import numpy as np
import pydicom

ds = pydicom.dcmread(sys.argv[1])
pixels = np.ascontiguousarray(ds.pixel_array[::-1].T)  # upright = stored.T, upside down
ds.Rows, ds.Columns = pixels.shape
ds.PixelData = pixels.tobytes()
ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRLittleEndian
ds.PatientOrientation = ["H", "L"]
ds.save_as(sys.argv[2])
PY
"$viewer" "$scratch/turned" --screenshot docs/images/viewer-turned-film.png --select 0
# the viewer's own export of a film with a dozen findings and a ruler
.venv/bin/python scripts/make_window_pictures.py --export docs/images/export-twelve-findings.png
rm -f docs/images/export-twelve-findings.json
# a PA + lateral study (frontal grounded, lateral not), and a finding on the wrong side
.venv/bin/python scripts/make_window_pictures.py --pa-lateral docs/images/viewer-pa-lateral.png \
    --wrong-side docs/images/viewer-wrong-side.png
# the viewer's own presentation state, exported at a narrow inverted window and reopened
.venv/bin/python scripts/make_window_pictures.py --own-gsps docs/images/viewer-own-gsps.png
# the window as it opens on a 1920x1080 screen (a real X server: Xvfb)
if command -v xvfb-run >/dev/null; then
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24" \
        .venv/bin/python scripts/make_window_pictures.py --screen docs/images/viewer-1920x1080.png
else
    echo "make_screenshots: no xvfb-run (apt-get install xvfb); viewer-1920x1080.png not remade" >&2
fi
ls -l docs/images/*.png
