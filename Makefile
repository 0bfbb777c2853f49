# Shortcuts for the scripts in scripts/ (the README's two commands call those scripts directly).
.PHONY: setup main test bench environment
setup:
	bash scripts/setup.sh
main:
	bash scripts/main.sh
test:
	bash scripts/test.sh
bench: setup
	for b in bench/*.py; do .venv/bin/python $$b || exit 1; done
environment:
	.venv/bin/python scripts/sync_environment.py
