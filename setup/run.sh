#!/usr/bin/env bash
# Start Odoo with the council's telephony addons and demo data on a local PostgreSQL.
#   ODOO_SRC      the council's Odoo 18.0 tree (else /opt/odoo, an importable odoo, or the
#                 official source, got once into .local/odoo: see the README)
#   ODOO_PORT     HTTP port (default 8069)
#   COUNCIL_DB    database (default council_demo)
source "$(dirname "$0")/lib.sh"

DB=${COUNCIL_DB:-council_demo}
HTTP_PORT=${ODOO_PORT:-8069}

setup_all
use_odoo_conf run "$HTTP_PORT"
ensure_rtlcss
stamp=$STATE/$DB.addons
if ! db_has_addons "$DB"; then
    log "installing the addons with demo data into database '$DB' (about a minute)"
    odoo -d "$DB" -i "$ADDONS" --load-language=en_US,he_IL --stop-after-init --log-level=warn
    addons_fingerprint > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$(addons_fingerprint)" ]; then
    log "the addons changed: updating database '$DB'"
    odoo -d "$DB" -u "$ADDONS" --stop-after-init --log-level=warn
    addons_fingerprint > "$stamp"
fi
# The demo council's history (January last year to today), made once; the
# database remembers it too, so a lost stamp only costs a quick check.
if [ ! -f "$STATE/$DB.history" ]; then
    log "making the demo council's history in '$DB' (a few minutes, once)"
    odoo shell -d "$DB" --no-http --log-level=warn >/dev/null <<'PY' || die "making the demo history failed"
try:
    env["telephony.demo.history"]._council_demo_history()
    env.cr.commit()
except Exception:
    import sys, traceback
    traceback.print_exc()
    sys.exit(1)
PY
    touch "$STATE/$DB.history"
fi

cat <<INFO

  Council Telephony is starting on http://localhost:$HTTP_PORT  (database $DB)

  Demo logins (password = login):
    employee (reporter, back office)  employee
    employee (portal)                 reporter
    IT agent                          agent
    IT manager                        itmanager
    treasury                          treasury
    head of council                   head
    administrator                     admin

INFO
exec "$VENV/bin/python" -c 'import odoo; odoo.cli.main()' -c "$ODOO_CONF" -d "$DB" \
    --db-filter="^$DB\$" --http-port="$HTTP_PORT"
