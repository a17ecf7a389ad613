#!/usr/bin/env bash
# Run a benchmark against a database made by the set-up commands:
#   bench/run.sh intake [--db council_test] [--count 200]
#   bench/run.sh load [--db council_test] [--workers 4] [--users 50] [--concurrency 20]
#                     [--seconds 30] [--rounds 3]
#   bench/run.sh report_cpu [--db council_test] [--reports 300]
source "$(dirname "$0")/../setup/lib.sh"
name=${1:?which benchmark: intake, watcher, annual_report, usage_import, load or report_cpu}
shift
setup_all
use_odoo_conf bench 0
extra=()
if [ "$name" = load ] || [ "$name" = report_cpu ]; then
    # The load benchmark's baselines (report_cpu posts the same forms), each made once
    # by the same Odoo and configuration and reused (a database left half made by an
    # interrupted run is made again): helpdesk_mgmt on the council's Odoo without our
    # addons (the apps they depend on, read from their manifests: accounting,
    # employees, tier validation), and helpdesk_mgmt alone.
    make_baseline() {
        local db=$1 modules=$2
        if [ "$(psql_db "$db" -tAc "SELECT state FROM ir_module_module WHERE name = 'helpdesk_mgmt'" 2>/dev/null)" != "installed" ]; then
            log "creating database '$db' with $modules, a baseline of the load benchmark (once)"
            psql_db postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
            rm -rf "$STATE/filestore/filestore/$db"
            odoo -d "$db" -i "$modules" --load-language=en_US,he_IL --stop-after-init \
                --log-level=warn > "$STATE/bench-$db-install.log" 2>&1 ||
                { tail -n 60 "$STATE/bench-$db-install.log"; die "installing $modules failed (log: $STATE/bench-$db-install.log)"; }
        fi
    }
    apps=$("$VENV/bin/python" - "$ROOT" <<'PY'
import ast, sys
from pathlib import Path
ours = {p.parent.name for p in Path(sys.argv[1]).glob("*/__manifest__.py")}
depends = {"helpdesk_mgmt"}
for manifest in Path(sys.argv[1]).glob("*/__manifest__.py"):
    depends |= set(ast.literal_eval(manifest.read_text())["depends"]) - ours
print(",".join(sorted(depends)))
PY
)
    apps_db=${COUNCIL_BENCH_APPS_DB:-council_apps}
    plain=${COUNCIL_BENCH_PLAIN_DB:-council_plain}
    make_baseline "$apps_db" "$apps"
    make_baseline "$plain" helpdesk_mgmt
    extra=(--baseline="$apps_db" --helpdesk_alone="$plain")
fi
exec "$VENV/bin/python" "$ROOT/bench/$name.py" "$@" "${extra[@]}" --config="$ODOO_CONF"
