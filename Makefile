# Two commands on a fresh machine: `make lab` (run every notebook) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JSTAMP := $(VENV)/.installed-jupyter
SSTAMP := $(VENV)/.installed-site
PYTEST_ARGS ?=
# Sanitize file and an explicit kernel: nbval runs the notebooks in this environment's python.
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help venv lab test test-here test-ci test-portable test-stack test-colab lint jupyter outputs editions site site-test bench colab-sync clean

help:
	@echo "make lab      - set up .venv if needed, run every notebook headless, print what each reached"
	@echo "make test     - set up .venv if needed, run unit tests and nbval over every notebook"
	@echo "make test-ci  - the slow tests: sandboxed grading batches, cells run twice, simulated Colab, a killed Dask worker (CI runs them after make test)"
	@echo "make test-portable - nbval on PyTorch's portable CPU kernels, English and Korean solutions (outputs must not depend on the CPU)"
	@echo "make test-stack PY=python - the suite on an unpinned stack: no exact outputs, results within tolerances"
	@echo "make test-colab [COLAB_PY=python3.13] - every notebook of every edition on Colab's stack (.ci/colab-constraints.txt)"
	@echo "make jupyter  - open JupyterLab on notebooks/"
	@echo "make outputs  - re-execute the notebooks in place (after changing them or lab_utils), then the editions (Korean solutions re-executed)"
	@echo "make editions - regenerate the exercise notebooks in exercises/ from notebooks/"
	@echo "make site     - build the course web site from the stored outputs into build/site/html"
	@echo "make site-test - build the site and test it and the grading report in headless Chromium (apt-get install chromium chromium-driver)"
	@echo "make bench    - benchmark the batched XOR trainer against the per-model loop"

# Reinstalls only when the pinned files change; a second `make lab` installs nothing.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@# Build matplotlib's font cache now: inside a kernel its one-time notice would land on stderr and fail nbval.
	$(BIN)/python -c "import matplotlib.pyplot"
	@touch $(STAMP)

venv: $(STAMP)

# JupyterLab only when asked for: its server stack makes every `import nbformat` ~0.8 s slower (jsonschema then
# loads rfc3987-syntax's grammar), which the test suite pays in each papermill process.
$(JSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[jupyter]'
	@touch $(JSTAMP)

lab: venv
	$(BIN)/lab run-all

test: venv
	$(MAKE) --no-print-directory test-here PY=$(BIN)/python

# The suite in an environment that is already set up (e.g. conda: make test-here PY=python).
PY ?= python
test-here:
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadgroup -m "not browser and not ci" -rs $(NBVAL) $(PYTEST_ARGS)

# The tests that take longest and add least to a quick check: whole sandboxed grading batches (the hostile corpus,
# forgers of notebook 01), every notebook's cells run twice, the exercise notebooks in simulated Colab, a sweep
# that survives a killed Dask worker, ARCHITECTURE.md's recipes performed (tests/test_recipes.py) and the cells a
# grading run skips changing no outcome. CI runs them after make test (.ci/run).
test-ci: venv
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "ci" -rs $(PYTEST_ARGS)

# nbval once more on PyTorch's portable CPU kernels (no AVX2/AVX-512 code paths): float32 results change in their
# last bits, and the stored outputs must not (they print rounded values, rates with margin). The Korean solutions,
# executed in Korean, are checked here: their numbers are the English ones, their text is their own. CI runs it
# after make test.
test-portable: venv
	@# One notebook, one kernel, one worker: loadfile (tests/conftest.py, which sets up loadgroup, is not loaded here).
	ATEN_CPU_CAPABILITY=default $(BIN)/python -m pytest -n 2 --dist loadfile $(NBVAL) notebooks ko/notebooks

# The suite on a stack other than the pins (CI: the newest releases, the declared minimums), in an environment that
# is already set up: everything but nbval's exact outputs, then every notebook run with papermill and its results
# checked against the stored ones within tolerances (`lab run-all --compare`).
test-stack:
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadgroup -m "not browser" $(PYTEST_ARGS)
	$(PY) -m lab_utils run-all --compare

# Colab's own versions (.ci/colab-constraints.txt, from googlecolab/backend-info) on the newest Python here, or
# COLAB_PY: the install cell's pip install, then all 12 notebooks and the playground in that stack's kernel.
COLAB_PY ?=
test-colab: venv
	$(BIN)/python .ci/colab_stack.py $(if $(COLAB_PY),--python $(COLAB_PY))

lint: venv
	$(BIN)/python -m ruff check .

# Sphinx, myst-nb, MathJax and Selenium only for the site; students and `make test` never need them.
$(SSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[site]'
	@touch $(SSTAMP)

site: $(SSTAMP)
	$(BIN)/lab site

# axe-core for the accessibility checks, exactly as package-lock.json pins it (npm only; no browser download).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

site-test: $(SSTAMP) node_modules/.package-lock.json
	$(BIN)/python -m pytest -n 0 -m browser tests/test_site_browser.py tests/test_report_browser.py

jupyter: $(JSTAMP)
	$(BIN)/jupyter lab notebooks/

outputs: venv
	$(BIN)/lab refresh notebooks/*.ipynb
	$(BIN)/lab editions --refresh

editions: venv
	$(BIN)/lab editions

bench: venv
	$(BIN)/python benchmarks/bench_batched.py

colab-sync: venv
	$(BIN)/lab colab-sync notebooks/*.ipynb
	$(BIN)/lab editions

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache node_modules
