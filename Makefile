# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Run the bot: with TELEGRAM_BOT_TOKEN set it talks to Telegram, without it runs the offline demo.
run: $(STAMP)
	$(BIN)/python -m bot

## Lint, types, layer contracts and the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check bot tests bench alembic
	$(BIN)/ruff format --check bot tests bench alembic
	$(BIN)/mypy bot tests bench
	$(BIN)/lint-imports
	$(BIN)/pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
