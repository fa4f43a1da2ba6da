# Two commands from a fresh clone: `make run` and `make test`.
# Setup is idempotent: the venv is rebuilt only when pyproject.toml or the constraints change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := constraints-cpu.txt

.PHONY: setup run test lint bench bundle orthanc dicom-tools fuzz clean-venv

setup: $(STAMP)

$(STAMP): pyproject.toml setup.py $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --quiet pip
	# torch first, from the CPU constraints, so nothing pulls a CUDA build
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) torch
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/knowmvg-viewer

# The PACS tests run against a real Orthanc; they skip (and say why) when it cannot be installed.
orthanc:
	bash scripts/install_orthanc.sh

# The DICOM conformance tests check our exports with dcmtk and dicom3tools (dciodvfy);
# they skip (and say why) when these cannot be installed.
dicom-tools:
	bash scripts/install_dicom_tools.sh

test: $(STAMP) orthanc dicom-tools
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/display.py

# The desktop bundle (dist/knowmvg-viewer/); not part of `make test`.
# Check it with `bash scripts/bundle_smoke.sh`.
bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev,bundle]"
	$(BIN)/pyinstaller --noconfirm --clean pyinstaller.spec

# Coverage-guided fuzzing (fuzz/README.md): each target for FUZZ_SECONDS, one after another.
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/python -c "import atheris" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[fuzz]"
	$(BIN)/python fuzz/run.py --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean-venv:
	rm -rf $(VENV)
