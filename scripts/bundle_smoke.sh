#!/usr/bin/env bash
# Smoke test of the built desktop bundle (`make bundle` first).
#
#     bash scripts/bundle_smoke.sh [DICOM]
#
# Runs dist/knowmvg-viewer/knowmvg-viewer offscreen with --screenshot on
#   1. the bundled demo study (no PATH argument), and
#   2. a JPEG 2000 DICOM: DICOM (or $KNOWMVG_SMOKE_DICOM), by default pydicom-data's
#      RG1_J2KR.dcm, a real chest film (the `dev` extra installs pydicom-data in .venv).
#      A copy is opened with a short report beside it, so the film is decoded *and* grounded.
# Checks each run exits 0 and writes a real PNG; prints the bundle size and, per run, the
# wall time from launch to the screenshot on disk (process start, imports, study decode,
# model load and grounding on CPU, render). Exits non-zero on the first failure.
# Environment: KNOWMVG_BUNDLE (default dist/knowmvg-viewer), KNOWMVG_SMOKE_OUT (keep the
# screenshots there; default a temporary folder, removed at exit), MIN_PNG_KB (default 20),
# SMOKE_TIMEOUT_S (per run, default 300).
set -euo pipefail

fail() {
    echo "bundle_smoke: FAIL: $*" >&2
    exit 1
}

# Paths given by the caller are taken relative to where they called from.
dicom=${1:-${KNOWMVG_SMOKE_DICOM:-}}
if [[ -n $dicom ]]; then
    [[ -f $dicom ]] || fail "$dicom: no such file"
    dicom=$(realpath "$dicom")
fi
bundle=$(realpath -m "${KNOWMVG_BUNDLE:-$(dirname "$0")/../dist/knowmvg-viewer}")
out=${KNOWMVG_SMOKE_OUT:+$(realpath -m "$KNOWMVG_SMOKE_OUT")}
keep=$out
cd "$(dirname "$0")/.."
exe="$bundle/knowmvg-viewer"
min_kb=${MIN_PNG_KB:-20}
time_limit=${SMOKE_TIMEOUT_S:-300}

[[ -x $exe ]] || fail "$exe not found or not executable (run 'make bundle' first)"

if [[ -z $dicom ]]; then
    dicom=$(.venv/bin/python -c \
        "from pydicom.data import get_testdata_file; print(get_testdata_file('RG1_J2KR.dcm', download=False) or '')" \
        2>/dev/null) || dicom=""
    [[ -f $dicom ]] || fail "RG1_J2KR.dcm not found (install pydicom-data in .venv, or pass a DICOM file)"
fi

# A fresh HOME and config folder: the user's saved settings (model, device, window state)
# must not leak into the run.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out=${out:-$scratch/out}
mkdir -p "$out" "$scratch/home" "$scratch/config"
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/config" QT_QPA_PLATFORM=offscreen

# run NAME [PATH]: screenshot one study, check the PNG, print the time it took.
run() {
    local name=$1
    shift
    local png="$out/$name.png" log="$out/$name.log" start end status=0
    rm -f "$png"
    start=$(date +%s.%N)
    timeout "$time_limit" "$exe" "$@" --screenshot "$png" >"$log" 2>&1 || status=$?
    end=$(date +%s.%N)
    if ((status == 124)); then
        cat "$log" >&2
        fail "$name: no screenshot after $time_limit s (hung?); output above"
    elif ((status != 0)); then
        cat "$log" >&2
        fail "$name: $exe exited with status $status (output above)"
    fi
    [[ -f $png ]] || fail "$name: exit 0 but no screenshot at $png"
    [[ $(head -c 8 "$png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] \
        || fail "$name: $png is not a PNG (bad signature)"
    local kb
    kb=$(($(stat -c %s "$png") / 1024))
    ((kb >= min_kb)) || fail "$name: $png is only $kb KB (expected >= $min_kb KB: blank window?)"
    printf 'bundle_smoke: %-5s ok  %5.1f s launch -> screenshot  %4d KB  %s\n' \
        "$name" "$(awk "BEGIN {print $end - $start}")" "$kb" "${keep:+$png}"
}

# The film with a sidecar report (a copy: source files are never touched).
study="$scratch/j2k"
mkdir -p "$study"
film="$study/$(basename "$dicom")"
cp "$dicom" "$film"
cat >"$study/report.txt" <<'REPORT'
FINDINGS:
There is patchy airspace opacity in the right lower lobe. Small left pleural effusion.
The heart size is normal. No pneumothorax.

IMPRESSION:
Right lower lobe opacity, possibly pneumonia.
REPORT

echo "bundle_smoke: bundle $bundle: $(du -sm "$bundle" | cut -f1) MB"
run demo
run j2k "$film"
echo "bundle_smoke: all checks passed"
