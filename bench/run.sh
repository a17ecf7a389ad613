#!/usr/bin/env bash
# Run a benchmark against a database made by the set-up commands:
#   bench/run.sh intake [--db council_test] [--count 200]
#   bench/run.sh load [--db council_test] [--workers 4] [--users 50] [--concurrency 20] [--seconds 30]
source "$(dirname "$0")/../setup/lib.sh"
name=${1:?which benchmark: intake, watcher, annual_report, usage_import or load}
shift
setup_all
use_odoo_conf bench 0
exec "$VENV/bin/python" "$ROOT/bench/$name.py" "$@" --config="$ODOO_CONF"
