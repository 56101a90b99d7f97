# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := pact_feedback:create_app
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint format migrate seed serve-prod css bench bench-reports bench-export bench-diary bench-load bench-uptake clean

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	PACT_ENV=development $(BIN)/flask db upgrade
	PACT_ENV=development $(BIN)/flask seed-demo --if-empty
	PACT_ENV=development $(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit $(BANDIT_ARGS)
	$(BIN)/pytest $(PYTEST_ARGS)

# The NHS.UK stylesheet, rebuilt from static/scss/nhsuk.scss with npm (only here: the built
# file is committed, so run, test and CI need no Node).
css:
	bin/build-css

# bandit: medium and high findings fail; pip-audit asks PyPI's advisory data about every locked
# version (it needs the network, so it is here rather than in `make test`; docs/security-scans.md).
BANDIT_ARGS := -q -r pact_feedback config.py --severity-level medium
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check .
	$(BIN)/bandit $(BANDIT_ARGS)
	$(BIN)/pip-audit -r requirements.lock --disable-pip --no-deps --progress-spinner off

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP)
	PACT_ENV=development $(BIN)/flask db upgrade

serve-prod: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py 'pact_feedback:create_app()'

# Benchmarks (not part of `make test`): ratios against a floor measured in the same run.
bench: bench-reports bench-export bench-uptake bench-load

bench-reports: $(STAMP)
	PACT_ENV=testing $(BIN)/python bench/reports_scale.py

# The analysis export against a COPY floor; EXPORT_ARGS: e.g. --pg URL (a scratch database) --uk.
bench-export: $(STAMP)
	PACT_ENV=testing $(BIN)/python bench/export_scale.py $(EXPORT_ARGS)

bench-uptake: $(STAMP)
	PACT_ENV=testing $(BIN)/python bench/uptake_scale.py

# The diary API under load, a worker kill and a 5-minute soak, on SQLite and PostgreSQL (both
# running at 127.0.0.1), beside the bare baseline of ../shared/bench. LOAD_ARGS: e.g. --rounds 3.
WRK_CHECK = @command -v wrk >/dev/null 2>&1 || { echo "$@ needs wrk (a load generator): apt-get install -y wrk"; exit 1; }

bench-load: $(STAMP)
	$(WRK_CHECK)
	$(BIN)/python bench/load_diary.py $(LOAD_ARGS)

# Only the POST throughput part of bench-load (about two minutes).
bench-diary: $(STAMP)
	$(WRK_CHECK)
	$(BIN)/python bench/load_diary.py --scenarios post $(LOAD_ARGS)

clean:
	rm -rf $(VENV) instance/*.sqlite3
