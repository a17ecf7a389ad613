#!/usr/bin/env bash
# Run the whole test suite against a real Odoo 18 and a real PostgreSQL:
# a fresh database with both addons installed, then pytest (pytest-odoo).
#   ODOO_SRC        the council's Odoo 18.0 tree (else /opt/odoo, an importable odoo, or the
#                   official source, got once into .local/odoo: see the README)
#   COUNCIL_TEST_DB test database (default council_test), recreated each run
# Extra arguments go to pytest (e.g. -k portal, -x).
source "$(dirname "$0")/lib.sh"

DB=${COUNCIL_TEST_DB:-council_test}

setup_all
ensure_test_browser
ensure_rtlcss
use_odoo_conf test 0
log "creating test database '$DB' with the addons and demo data"
psql_db postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
rm -rf "$STATE/filestore/filestore/$DB"
odoo -d "$DB" -i "$ADDONS" --load-language=en_US,he_IL --stop-after-init --log-level=warn \
    > "$STATE/test-install.log" 2>&1 || { tail -n 60 "$STATE/test-install.log"; die "installing the addons failed (log: $STATE/test-install.log)"; }
grep -E "ERROR|CRITICAL" "$STATE/test-install.log" && die "errors while installing the addons (log: $STATE/test-install.log)"

cd "$ROOT"
export COUNCIL_ROOT=$ROOT
exec "$VENV/bin/python" -m pytest --odoo-config="$ODOO_CONF" --odoo-database="$DB" --odoo-http "$@"
