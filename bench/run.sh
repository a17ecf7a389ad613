#!/usr/bin/env bash
# Run a benchmark against a database made by the set-up commands:
#   bench/run.sh intake [--db council_test] [--count 200]
#   bench/run.sh load [--db council_test] [--workers 4] [--users 50] [--concurrency 20]
#                     [--seconds 30] [--rounds 3]
source "$(dirname "$0")/../setup/lib.sh"
name=${1:?which benchmark: intake, watcher, annual_report, usage_import or load}
shift
setup_all
use_odoo_conf bench 0
extra=()
if [ "$name" = load ]; then
    # The load benchmark's baseline: a database with helpdesk_mgmt alone (and its demo
    # data), made once by the same Odoo and configuration, then reused. A database left
    # half made by an interrupted run is made again.
    plain=${COUNCIL_BENCH_PLAIN_DB:-council_plain}
    if [ "$(psql_db "$plain" -tAc "SELECT state FROM ir_module_module WHERE name = 'helpdesk_mgmt'" 2>/dev/null)" != "installed" ]; then
        log "creating database '$plain' with helpdesk_mgmt alone, the load benchmark's baseline (once)"
        psql_db postgres -qc "DROP DATABASE IF EXISTS \"$plain\" WITH (FORCE)"
        rm -rf "$STATE/filestore/filestore/$plain"
        odoo -d "$plain" -i helpdesk_mgmt --load-language=en_US,he_IL --stop-after-init \
            --log-level=warn > "$STATE/bench-plain-install.log" 2>&1 ||
            { tail -n 60 "$STATE/bench-plain-install.log"; die "installing helpdesk_mgmt failed (log: $STATE/bench-plain-install.log)"; }
    fi
    extra=(--baseline="$plain")
fi
exec "$VENV/bin/python" "$ROOT/bench/$name.py" "$@" "${extra[@]}" --config="$ODOO_CONF"
