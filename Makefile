# The two commands a fresh machine needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1

.PHONY: serve test test-fast index eval bench system-deps clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

# dev extras: torch pinned to the CPU build in the same pip call as sentence-transformers and the
# reader's training extra (CI runs a smoke training); OpenVINO for the e5-openvino-q4 embedder's tests
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e ".[dev,st,train,milvus,openvino]"
	touch $@

serve: $(VENV)/.installed
	$(VENV)/bin/qa serve --host 127.0.0.1 --port 8000

index: $(VENV)/.installed
	$(VENV)/bin/qa index

# Debian packages: Chromium and its driver for the browser tests (no browser download by a test
# tool), a CJK font so its screenshots are legible, wrk for the HTTP load benchmark
APT_PACKAGES := chromium chromium-driver fonts-wqy-microhei wrk
system-deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
		else echo "install Debian's $(APT_PACKAGES) for the browser tests and benchmarks (sudo apt-get install ...)"; fi; \
	fi

# everything: fast unit tests plus the slow, browser and Milvus tiers
test: $(VENV)/.installed-dev system-deps
	$(VENV)/bin/pytest -q -m "" ; rc=$$?; [ $$rc -eq 5 ] && exit 0 || exit $$rc

# the fast tier only (the default marker selection in pyproject)
test-fast: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -q

eval: $(VENV)/.installed-dev
	$(VENV)/bin/qa --no-progress eval

bench: $(VENV)/.installed-dev system-deps
	$(VENV)/bin/qa bench

clean:
	rm -rf $(VENV) index/builds index/cache index/CURRENT .pytest_cache
