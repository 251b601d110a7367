# policycomm: the two commands a newcomer needs are `make course` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PYTEST_ARGS ?= -n 2

.PHONY: course test hub hub-deps system-deps sandbox-deps bench quiz-check quiz-export clean

# `pip install policycomm` is the library alone; the extras add the course, grading, PostgreSQL and tests.
$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed-base: $(VENV)/.created setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-course: $(VENV)/.created setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e '.[course]'
	touch $@

$(VENV)/.installed-hub: $(VENV)/.created setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e '.[course,grading,postgres,hub]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.created setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Debian packages: bubblewrap (the grader's sandbox), Chromium (browser tests), PostgreSQL 15 (gradebook tests),
# Pango (WeasyPrint prints the handbook) and poppler-utils (the handbook test reads and renders the PDF).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! test -x /usr/lib/postgresql/15/bin/initdb \
	    || ! command -v bwrap >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
	    || ! ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 \
	    || ! fc-list 2>/dev/null | grep -qi 'noto sans mono'; then \
	  echo "Installing Debian packages: bubblewrap chromium postgresql-15 fonts-noto-core fonts-noto-mono" \
	       "libpango-1.0-0 libpangoft2-1.0-0 poppler-utils"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    bubblewrap chromium postgresql-15 fonts-noto-core fonts-noto-mono \
	    libpango-1.0-0 libpangoft2-1.0-0 poppler-utils >/dev/null; \
	fi

# bubblewrap: `policycomm grade` runs trainee code only inside its sandbox.
sandbox-deps:
	@command -v bwrap >/dev/null 2>&1 || { echo "Installing Debian package: bubblewrap"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq bubblewrap >/dev/null; }

# Install, prepare the trainee copy of the course, and open it in JupyterLab.
course: $(VENV)/.installed-course sandbox-deps
	$(PY) -m policycomm.cli course open

# JupyterHub's proxy, configurable-http-proxy, from npm (Node.js from Debian when missing), and the class's
# gradebook: PostgreSQL 15 from Debian (policycomm hub start runs a private one unless given --db-url).
hub-deps: sandbox-deps
	@test -x /usr/lib/postgresql/15/bin/initdb || { echo "Installing Debian package: postgresql-15"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql-15 >/dev/null; }
	@command -v configurable-http-proxy >/dev/null 2>&1 || { \
	  command -v npm >/dev/null 2>&1 || { echo "Installing Debian package: npm"; $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm >/dev/null; }; \
	  echo "Installing configurable-http-proxy from npm"; $(SUDO) npm install --global --silent configurable-http-proxy; }

# The class server: JupyterHub on port 8000, its files in hub/ (accounts: policycomm hub roster); as root,
# which runs each trainee's JupyterLab as their own system user, and formgrader and the gradebook as the grader.
hub: $(VENV)/.installed-hub hub-deps
	$(SUDO) $(PY) -m policycomm.cli hub start --folder hub

# Install everything and run the whole test suite.
test: $(VENV)/.installed-test system-deps hub-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks: each prints ratios against an anchor measured in the same run.
bench: $(VENV)/.installed-test system-deps hub-deps
	$(PY) bench/import_time.py
	$(PY) bench/item_analysis.py
	$(PY) bench/quiz_feedback.py
	$(PY) bench/grade_cohort.py
	$(SUDO) $(PY) bench/hub_load.py

quiz-check: $(VENV)/.installed-base
	$(VENV)/bin/policycomm quiz check

quiz-export: $(VENV)/.installed-base
	mkdir -p build
	$(VENV)/bin/policycomm quiz export --format moodle-xml -o build/policycomm-moodle.xml
	$(VENV)/bin/policycomm quiz export --format gift -o build/policycomm.gift.txt

clean:
	rm -rf $(VENV) .course-run .pytest_cache
