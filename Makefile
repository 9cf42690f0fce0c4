# Cluster Manager — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
API_PORT ?= 8000
AWS_PORT ?= 5000
ISSUER_PORT ?= 8001
export API_PORT AWS_PORT ISSUER_PORT

.PHONY: run test test-fast lint token mail agent bench clean help

help:
	@echo "make run      start the local stack (moto + API + event runner); Ctrl-C stops it"
	@echo "              ports: make run API_PORT=8123 AWS_PORT=5123 ISSUER_PORT=8124; RELOAD=1 restarts the API on code changes"
	@echo "make token EMAIL=alice@example.com   print a bearer token (last line)"
	@echo "make mail [TO=bob@example.com]   print the mail the local stack sent"
	@echo "make agent EMAIL=… CLUSTER=<id> NAMESPACE=<name>   run a namespace's simulated agent"
	@echo "make test     ruff and the import contracts, then every test (starts its own local stack)"
	@echo "make test-fast   unit and integration tests only, for the edit loop (no e2e, agent or infra tests)"
	@echo "make lint     ruff (style, bugs, complexity <= 10) and the import contracts (api → domain → adapters)"
	@echo "make bench    run the benchmarks and print their figures"
	@echo "the CLI:      .venv/bin/cluster-manager --help (installed by make run / make test)"

$(STAMP): requirements.txt requirements-dev.txt requirements-infra.txt cli/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements-infra.txt
	@# .venv/bin/cluster-manager; "compat" puts cli/ on sys.path (a .pth line) instead of an
	@# import hook that costs the CLI's every start-up a few milliseconds
	$(PY) -m pip install --quiet --disable-pip-version-check -e cli/ --config-settings editable_mode=compat
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m devstack run --api-port $(API_PORT) --aws-port $(AWS_PORT) $(if $(RELOAD),--reload)

token: $(STAMP)
	@test -n "$(EMAIL)" || { echo "usage: make token EMAIL=alice@example.com" >&2; exit 2; }
	@$(PY) -m devstack token --email "$(EMAIL)"

mail: $(STAMP)
	@$(PY) -m devstack mail --aws-port $(AWS_PORT) $(if $(TO),--to "$(TO)")

agent: $(STAMP)
	@test -n "$(EMAIL)" -a -n "$(CLUSTER)" -a -n "$(NAMESPACE)" || { echo "usage: make agent EMAIL=alice@example.com CLUSTER=<cluster_id> NAMESPACE=<name>" >&2; exit 2; }
	@$(PY) -m devstack agent --email "$(EMAIL)" --cluster "$(CLUSTER)" --namespace "$(NAMESPACE)" --api-port $(API_PORT)

test: lint
	$(PY) -m pytest

test-fast: $(STAMP)
	$(PY) -m pytest tests/unit tests/integration

LINTED := app.py chalicelib agent devstack infra tests bench

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) bench/coldstart.py
	$(PY) bench/sweep.py
	$(PY) bench/command_latency.py
	$(PY) bench/provisioning.py
	$(PY) bench/cli_startup.py
	$(PY) bench/cli_apply.py

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
