# The two set-up commands of the README are `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
export PORT

.PHONY: run test install install-test system-deps messages lint bench-signin bench-addressbook clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml package.json $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	npm install --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: install, migrate and serve the portal with its mail worker until Ctrl-C.
run: install
	$(BIN)/python manage.py migrate --noinput
	@echo ""
	@echo "  Portal:        http://127.0.0.1:$(PORT)/"
	@case "$$EMAIL_URL" in \
	  ""|mailbox://*) echo "  E-mails sent:  http://127.0.0.1:$(PORT)/boite-locale/  (local mailbox)";; \
	  console://*) echo "  E-mails sent:  printed on this console (EMAIL_URL=console://)";; \
	  *) echo "  E-mails sent:  through the SMTP server that EMAIL_URL names";; \
	esac
	@echo "  Stop with Ctrl-C."
	@echo ""
	@trap 'kill 0' INT TERM; \
	  $(BIN)/python manage.py db_worker --interval 1 & \
	  $(BIN)/python manage.py runserver --noreload 127.0.0.1:$(PORT); \
	  kill 0

## make test: install what the tests need and run the whole suite.
test: install-test system-deps
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian packages the tests drive: chromium (Playwright), nginx (TLS front), gettext
# (catalogues), softhsm2/opensc (a token standing in for a smartcard). Installed when
# missing and we are root; otherwise the command to run is printed.
system-deps:
	@scripts/system-deps.sh

## make messages: extract the strings of every app into its English catalogue.
messages: install
	@for app in eprocedures/*/locale; do \
	  dir=$$(dirname $$app); \
	  (cd $$dir && ../../$(BIN)/python ../../manage.py makemessages -l en --no-obsolete --no-location -v0); \
	done
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules

## make tls-demo: the portal over TLS behind a local nginx, with a demo CA and card (docs/smartcard.md).
.PHONY: tls-demo
# Only nginx is needed here (the script says how to install it): not the test suite's packages.
tls-demo: install
	PY=$(BIN)/python scripts/smartcard-tls-demo.sh

## make bench-signin / bench-addressbook: the performance scripts (see README).
bench-signin: install-test
	$(BIN)/python bench/signin.py

bench-addressbook: install-test
	$(BIN)/python bench/addressbook.py
