# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Every third-party package (runtime, dev and the build backend) comes from requirements-dev.lock, exact
# versions with their hashes; the project itself is then installed without resolving anything.
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock'
BUILD_REQUIRES := $(VENV)/build-requires.in

.PHONY: run test test-fast lint bench clean lock

$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Refresh both lock files after a change to pyproject.toml's dependencies (pins kept where they still fit);
## `make lock UPGRADE=--upgrade` moves every pin to the newest allowed release. Commit both files.
lock: $(STAMP)
	$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' > $(BUILD_REQUIRES)
	$(LOCK) $(UPGRADE) pyproject.toml $(BUILD_REQUIRES) -o requirements.lock
	$(LOCK) $(UPGRADE) --extra dev -c requirements.lock pyproject.toml $(BUILD_REQUIRES) -o requirements-dev.lock

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

## The quick subset to check a change in under a minute: the tests not marked slow (CI runs them all).
test-fast: $(STAMP)
	$(BIN)/pytest -q -n 2 -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
