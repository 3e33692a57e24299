# luoshi: `make run` serves the demo (with the worker beside it; Ctrl+C stops both),
# `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LUOSHI_TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/
# Tests run in two processes (pytest-xdist), one a core; each has its own test database.
PYTEST := $(BIN)/pytest -q -n 2
# The hot standby of `.ci/standby` (docs/scaling.md): the replica tests run when it answers.
LUOSHI_TEST_PG_REPLICA_URL ?= postgres://postgres@127.0.0.1:5433/
PORT ?= 8000
export LUOSHI_TEST_PG_URL

.PHONY: install run test test-sqlite test-postgres test-replica lint bench eval clean

install: $(STAMP)

# requirements.lock pins every package, transitive ones included; the project itself
# is installed editable without resolving anything further.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: install
	$(BIN)/luoshi manage migrate --noinput
	$(BIN)/luoshi demo --if-empty
	$(BIN)/luoshi serve --port $(PORT)

lint: install
	$(BIN)/ruff check luoshi bench
	$(BIN)/ruff format --check luoshi bench
	$(BIN)/mypy
	$(BIN)/luoshi manage makemigrations --check --dry-run

test-sqlite: install
	@echo "== 测试：SQLite"
	LUOSHI_DATABASE_URL= $(PYTEST)

test-postgres: install
	@if $(BIN)/python -m luoshi.testing.pgcheck "$(LUOSHI_TEST_PG_URL)"; then \
	  echo "== 测试：PostgreSQL ($(LUOSHI_TEST_PG_URL))"; \
	  LUOSHI_DATABASE_URL="$$($(BIN)/python -m luoshi.testing.pgcheck --url "$(LUOSHI_TEST_PG_URL)")" $(PYTEST); \
	else \
	  echo "== 跳过 PostgreSQL 测试：$(LUOSHI_TEST_PG_URL) 无响应（设置 LUOSHI_TEST_PG_URL 指向可用的服务器）"; \
	fi

# Reads routed to a real standby; only this file, because the rest of the suite runs inside
# transactions a standby cannot see.
test-replica: install
	@if $(BIN)/python -m luoshi.testing.pgcheck "$(LUOSHI_TEST_PG_URL)" && $(BIN)/python -m luoshi.testing.pgcheck "$(LUOSHI_TEST_PG_REPLICA_URL)"; then \
	  echo "== 测试：PostgreSQL 只读副本 ($(LUOSHI_TEST_PG_REPLICA_URL))"; \
	  LUOSHI_DATABASE_URL="$$($(BIN)/python -m luoshi.testing.pgcheck --url "$(LUOSHI_TEST_PG_URL)")" \
	  LUOSHI_DATABASE_REPLICA_URL="$$($(BIN)/python -m luoshi.testing.pgcheck --url "$(LUOSHI_TEST_PG_REPLICA_URL)")" \
	  $(BIN)/pytest -q luoshi/core/tests/test_scaling.py; \
	else \
	  echo "== 跳过只读副本测试：$(LUOSHI_TEST_PG_REPLICA_URL) 无响应（.ci/standby 在本机建立热备库）"; \
	fi

test: lint test-sqlite test-postgres test-replica

bench: install
	$(BIN)/python -m bench

eval: install
	LUOSHI=$(BIN)/luoshi eval/run_eval.sh eval/plans eval/gold
	LUOSHI=$(BIN)/luoshi eval/run_eval.sh eval/plans-next eval/gold-next

clean:
	rm -rf $(VENV) build *.egg-info
