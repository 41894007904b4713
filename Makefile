# Fangkong: `make run` serves the demo city, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
POPULATION ?= 100000
HOST ?= 127.0.0.1
PORT ?= 8000
# the demo lives on the seed page's morning (大同日报, 2022-11-13); `make run DEMO_CLOCK=` runs on the real clock
DEMO_CLOCK ?= 2022-11-13T09:00
VENDOR := src/fangkong/web/static/vendor

.PHONY: run test bench assets venv clean

$(BIN)/fangkong: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/fangkong

$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	touch $@

assets: $(VENDOR)/.stamp

run: venv assets
	scripts/system-packages run
	$(BIN)/fangkong init
	$(BIN)/fangkong db upgrade
	$(BIN)/fangkong demo --population $(POPULATION) --if-empty
	FANGKONG_CLOCK=$(DEMO_CLOCK) $(BIN)/fangkong serve --host $(HOST) --port $(PORT)

test: venv assets
	scripts/system-packages test
	$(BIN)/python -m pytest

bench: venv
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
