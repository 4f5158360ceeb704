# One-command set-up: `make run` starts the app, `make test` runs the tests.
# Both create .venv on first use. The CPU build of torch is installed before the
# dev extra so pip does not pull a multi-GB CUDA build for openai-whisper.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test smoke bench lint clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install "torch==2.13.0"
	$(PY) -m pip install -e ".[dev]"
	$(PY) -m pip install --no-deps "rapidocr-onnxruntime==1.4.4" "scenedetect==0.7.2"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/storyframe

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# the real window on Qt's X11 plugin under a virtual X server (needs xvfb-run: see README)
smoke: $(STAMP)
	xvfb-run -a -s "-screen 0 1366x768x24" $(PY) -m desktop.smoke tests/data/speech.mp4

bench: $(STAMP)
	$(PY) benchmarks/bench_media.py
	$(PY) benchmarks/bench_transcribe.py
	$(PY) benchmarks/bench_export.py
	$(PY) benchmarks/bench_analysis.py
	$(PY) benchmarks/bench_desktop.py
	$(PY) benchmarks/bench_scale.py

lint: $(STAMP)
	$(VENV)/bin/ruff check annotators desktop tests benchmarks

clean:
	rm -rf $(VENV)
