.PHONY: run test setup lint

run:   ## run the server with the demo hall on SQLite (installs first)
	scripts/run-demo.sh

test:  ## install what the tests need and run the whole suite
	scripts/test.sh

setup:
	scripts/setup.sh

lint:  ## style (ruff) and the layer contracts of .importlinter (docs/architecture.md)
	.venv/bin/ruff check .
	.venv/bin/lint-imports --no-cache
