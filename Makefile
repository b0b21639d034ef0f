# The two commands of the README. Both set up what they need on a fresh clone.
#   make demo   set up, generate the release, autograde the example class, print grades
#   make test   set up, run the project's test suite
#   make release  (instructors) rebuild the quiz sources from quizzes/, then regenerate
#                 release/ from source/ after editing a notebook or a bank
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# A CPU build of torch; pyproject accepts any torch>=2.2.
TORCH := torch==2.13.0

.PHONY: demo test setup release

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e ".[test]"
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; \
	  else \
	    echo "note: bubblewrap is not installed; student code will run in the weaker fallback sandbox (see README, Security model)"; \
	  fi; }
	touch $@

demo: setup
	$(PY) -m autograder.demo

test: setup
	$(PY) -m pytest

release: setup
	$(PY) -m autograder quiz build
	$(PY) -m autograder.nbgrader_cli
