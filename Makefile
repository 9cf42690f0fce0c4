# Cluster Manager — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
API_PORT ?= 8000
AWS_PORT ?= 5000
ISSUER_PORT ?= 8001
CONSOLE_PORT ?= 8080
PG_PORT ?= 55432
export API_PORT AWS_PORT ISSUER_PORT CONSOLE_PORT PG_PORT

.PHONY: run test test-fast fuzz-coverage lint token mail agent bench clean help pg-url postgres

help:
	@echo "make run      start the local stack (moto + API + event runner + console); Ctrl-C stops it"
	@echo "              ports: make run API_PORT=8123 AWS_PORT=5123 ISSUER_PORT=8124 CONSOLE_PORT=8125; RELOAD=1 restarts the API on code changes"
	@echo "              PostgreSQL for postgres plans on PG_PORT (default 55432)"
	@echo "make pg-url   print the local PostgreSQL server's admin URL (last line)"
	@echo "make token EMAIL=alice@example.com   print a bearer token (last line)"
	@echo "make mail [TO=bob@example.com]   print the mail the local stack sent"
	@echo "make agent EMAIL=… CLUSTER=<id> NAMESPACE=<name>   run a namespace's simulated agent"
	@echo "make test     ruff and the import contracts, then every test (starts its own local stack)"
	@echo "make test-fast   unit and integration tests only, for the edit loop (no e2e, agent or infra tests)"
	@echo "make fuzz-coverage   the API fuzz test with schemathesis's coverage phase (every boundary; ~3 min)"
	@echo "make lint     ruff (style, bugs, complexity <= 10) and the import contracts (api → domain → adapters)"
	@echo "make bench    run the benchmarks and print their figures"
	@echo "the CLI:      .venv/bin/cluster-manager --help (installed by make run / make test)"

$(STAMP): requirements.txt requirements-dev.txt requirements-infra.txt agent/requirements.txt cli/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements-infra.txt
	@# .venv/bin/cluster-manager; "compat" puts cli/ on sys.path (a .pth line) instead of an
	@# import hook that costs the CLI's every start-up a few milliseconds
	$(PY) -m pip install --quiet --disable-pip-version-check -e cli/ --config-settings editable_mode=compat
	@touch $(STAMP)

run: $(STAMP) postgres
	$(PY) -m devstack run --api-port $(API_PORT) --aws-port $(AWS_PORT) --pg-port $(PG_PORT) $(if $(RELOAD),--reload)

pg-url: $(STAMP)
	@$(PY) -m devstack pg-url --pg-port $(PG_PORT)

# PostgreSQL's server binaries (Debian's), for make run and the tests.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else echo "PostgreSQL's server binaries are missing; run: sudo apt-get install -y postgresql" >&2; exit 1; fi; }

token: $(STAMP)
	@test -n "$(EMAIL)" || { echo "usage: make token EMAIL=alice@example.com" >&2; exit 2; }
	@$(PY) -m devstack token --email "$(EMAIL)"

mail: $(STAMP)
	@$(PY) -m devstack mail --aws-port $(AWS_PORT) $(if $(TO),--to "$(TO)")

agent: $(STAMP)
	@test -n "$(EMAIL)" -a -n "$(CLUSTER)" -a -n "$(NAMESPACE)" || { echo "usage: make agent EMAIL=alice@example.com CLUSTER=<cluster_id> NAMESPACE=<name>" >&2; exit 2; }
	@$(PY) -m devstack agent --email "$(EMAIL)" --cluster "$(CLUSTER)" --namespace "$(NAMESPACE)" --api-port $(API_PORT) --aws-port $(AWS_PORT)

test: lint chromium postgres
	$(PY) -m pytest

test-fast: $(STAMP) postgres
	$(PY) -m pytest tests/unit tests/integration

# the API fuzz test with schemathesis's coverage phase (every boundary of every
# parameter): ~3 min on its own stack, so not part of make test
fuzz-coverage: $(STAMP) postgres
	FUZZ_PHASES=coverage $(PY) -m pytest -s tests/e2e/test_fuzz_api.py

LINTED := app.py chalicelib agent devstack infra tests bench

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/lint-imports

# The browser tests drive Debian's Chromium (a downloaded browser build does not work here).
CHROMIUM ?= /usr/bin/chromium
.PHONY: chromium
chromium:
	@test -x "$(CHROMIUM)" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Chromium for the browser tests (apt-get install -y chromium) …"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "make test: the browser tests need Chromium at $(CHROMIUM); install it with:" >&2; \
	    echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2; exit 1; \
	  fi; }

bench: $(STAMP) postgres
	$(PY) bench/coldstart.py
	$(PY) bench/sweep.py
	$(PY) bench/command_latency.py
	$(PY) bench/provisioning.py
	$(PY) bench/cli_startup.py
	$(PY) bench/cli_apply.py
	$(PY) bench/console_load.py
	$(PY) bench/liveness.py
	$(PY) bench/cost.py

clean:
	rm -rf $(VENV) .local .pytest_cache

# --- AWS: see README "Deploy to AWS" --------------------------------------------------
# make synth [CONTEXT="stage=prod alarm_email=ops@example.com"]   templates into cdk.out/
# make deploy [CONTEXT=…] [DEPLOY_ARGS=…]                          the same, then cdk deploy
.PHONY: synth deploy
CDK_OUT ?= cdk.out
CDK_CLI ?= aws-cdk@2.1148.1
CONTEXT ?=

synth: $(STAMP)
	$(PY) infra/app.py --outdir $(CDK_OUT) $(foreach c,$(CONTEXT),-c $(c))

deploy: synth
	npx --yes $(CDK_CLI) deploy --app $(CDK_OUT) --all --outputs-file $(CDK_OUT)/outputs.json $(DEPLOY_ARGS)
