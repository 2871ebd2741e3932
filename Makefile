# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run   - installs into .venv/ and starts the dashboard on the sample data
#   make test  - installs into .venv/ (and headless Chromium for the browser test) and runs every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint sample-data browser

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py

browser:
	@bash scripts/install_browser.sh

test: $(STAMP) browser
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .

sample-data: $(STAMP)
	$(BIN)/python -m sample_data.generate
