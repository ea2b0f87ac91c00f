.PHONY: run test setup lint

run:   ## run the server with the demo hall on SQLite (installs first)
	scripts/run-demo.sh

test:  ## install what the tests need and run the whole suite
	scripts/test.sh

setup:
	scripts/setup.sh

lint:
	.venv/bin/ruff check .
