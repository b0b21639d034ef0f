# The two commands of the README. Both set up what they need on a fresh clone.
#   make demo   set up, generate the release, autograde the example class, print grades
#   make test   set up, run the project's test suite
#   make release  (instructors) rebuild the quiz sources from quizzes/, regenerate release/
#                 from source/ after editing a notebook or a bank, and refit the time limits
#                 to the reference notebooks (autograder/graders/limits.json)
#   make student-kit  (instructors) the students' wheel, dist/dlbio_student-*.whl
#   make course-kit   (instructors) the grading machine's wheel, dist/dlbio_course-*.whl
#   make hub          (as root) the course's JupyterHub on this machine, until Ctrl-C
#                     (autograder/deploy/jupyterhub/; HUB_ROOT, HUB_PORT, ROSTER set it up)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# A CPU build of torch; pyproject accepts any torch>=2.2.
TORCH := torch==2.13.0
STUDENT_KIT := autograder/student_kit
# From npm for make hub (and its browser test): the hub's proxy, and MathJax 2, which
# formgrader's grading page and the feedback pages need (the hub serves it: no CDN).
PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
MATHJAX := $(VENV)/node/node_modules/mathjax/MathJax.js

.PHONY: demo test setup release student-kit course-kit hub

setup: $(VENV)/.installed

# The student kit first: the instructor kit depends on it (one data layer, one quiz engine).
$(VENV)/.installed: pyproject.toml $(STUDENT_KIT)/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e $(STUDENT_KIT)
	$(PY) -m pip install --quiet -e ".[test]"
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; \
	  else \
	    echo "note: bubblewrap is not installed; student code will run in the weaker fallback sandbox (see README, Security model)"; \
	  fi; }
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "note: chromium and chromium-driver are not installed; the browser test of the practice quiz will be skipped"; \
	  fi; }
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; \
	  else \
	    echo "note: npm is not installed; make hub needs it, and its browser test will be skipped"; \
	  fi; }
	@test -x $(PROXY) -a -f $(MATHJAX) || ! command -v npm >/dev/null 2>&1 || \
	  npm install --silent --no-fund --no-audit --prefix $(VENV)/node \
	    configurable-http-proxy@5 mathjax@2.7.7 || \
	  echo "note: configurable-http-proxy and mathjax could not be installed from npm; make hub needs them, and its browser test will be skipped"
	touch $@

demo: setup
	$(PY) -m autograder.tools.demo

test: setup
	$(PY) -m pytest -n auto --dist loadgroup --durations=40

DIST ?= dist
student-kit: setup
	rm -rf $(STUDENT_KIT)/build  # nothing left over from an earlier build gets into the wheel
	$(PY) -m pip wheel --quiet --no-deps --wheel-dir $(DIST) $(STUDENT_KIT)

course-kit: setup
	rm -rf build  # as for the student kit: no file of an earlier build gets into the wheel
	$(PY) -m pip wheel --quiet --no-deps --wheel-dir $(DIST) .

HUB_ROOT ?= /srv/dlbio-hub
HUB_PORT ?= 8000
ROSTER ?= autograder/deploy/jupyterhub/roster.csv
hub: student-kit course-kit
	$(PY) -m autograder.deploy.jupyterhub --root $(HUB_ROOT) --port $(HUB_PORT) \
	  --roster $(ROSTER) --wheels $(DIST) --torch $(TORCH)

release: setup
	$(PY) -m autograder quiz build
	$(PY) -m autograder.nbgrader_cli
	$(PY) -m autograder.tools.reference_timing
