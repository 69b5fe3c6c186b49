# The two commands a fresh machine needs:  make run  and  make test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The EPUB validator the tests run (Debian's epubcheck package; it brings a Java runtime).
EPUBCHECK_JAR ?= /usr/share/java/epubcheck.jar
# The CJK face the score renderer falls back to for Chinese lyrics (Debian's fonts-arphic-uming).
CJK_FONT ?= /usr/share/fonts/truetype/arphic/uming.ttc
# The browser the gallery's real-browser test drives through Playwright (Debian's chromium
# package: Playwright's own browser download needs internet access that build machines lack).
CHROMIUM ?= /usr/bin/chromium
# The synthesiser song previews play through when it is installed, and a small General MIDI
# SoundFont for it (Debian's fluidsynth and timgm6mb-soundfont), so its test runs, not skips.
FLUIDSYNTH ?= /usr/bin/fluidsynth
SOUNDFONT  ?= /usr/share/sounds/sf2/TimGM6mb.sf2
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test check lint bench clean catalogs

$(EPUBCHECK_JAR):
	@command -v apt-get >/dev/null || { echo "Install epubcheck and a Java runtime (or set EPUBCHECK_JAR)."; exit 1; }
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends epubcheck

$(CJK_FONT):
	@command -v apt-get >/dev/null || { echo "Install fonts-arphic-uming (or set CJK_FONT)."; exit 1; }
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends fonts-arphic-uming

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Install Chromium at $(CHROMIUM) for the gallery's browser test."; exit 1; }
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium

$(FLUIDSYNTH) $(SOUNDFONT) &:
	@command -v apt-get >/dev/null || { echo "Install fluidsynth and a SoundFont (or set MUSE_SOUNDFONT)."; exit 1; }
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends fluidsynth timgm6mb-soundfont

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip wheel
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

## Compile the translations (.po -> .mo); Muse compiles a missing or stale one in memory too.
catalogs: $(STAMP)
	$(BIN)/python -m bot.i18n.compile

## Install (or refresh) the virtualenv, then run Muse: on Discord when MUSE_DISCORD_TOKEN is set,
## otherwise in the local sandbox with an interactive terminal.
run: $(STAMP) catalogs
	$(BIN)/muse run

## Install (or refresh) the virtualenv, epubcheck, the CJK font, Chromium, FluidSynth and a
## SoundFont, then lint,
## type-check, check the layer contracts (import-linter, see pyproject.toml) and run the whole
## test suite.
test: $(STAMP) $(EPUBCHECK_JAR) $(CJK_FONT) $(CHROMIUM) $(FLUIDSYNTH) $(SOUNDFONT) catalogs
	@# The CPU and llama.cpp's build decide which kernels run: name them so a failure can be placed.
	$(BIN)/python -c 'from models.cpu import report; print(report())'
	$(BIN)/ruff check bot cogs models tests
	$(BIN)/ruff format --check bot cogs models tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	EPUBCHECK_JAR=$(EPUBCHECK_JAR) MUSE_CJK_FONT=$(CJK_FONT) $(BIN)/python -m pytest

check: $(STAMP) catalogs
	$(BIN)/muse check

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
