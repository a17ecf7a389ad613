# shellcheck shell=bash
# Shared set-up for setup/run.sh and setup/test.sh. Every step checks before it acts, so
# running either command again only does what is missing. Sourced, not executed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-}        # the council's own Odoo 18 tree: when given, always used
ODOO_DEFAULT_SRC=${ODOO_DEFAULT_SRC:-/opt/odoo}
# The official Odoo 18.0 Community source, got when no tree is given or found: the
# repository and the commit it is pinned to (git checks the content against the hash).
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
ODOO_GIT_COMMIT=${ODOO_GIT_COMMIT:-5500e239e4bfb76eca3515dba02d0f1668810b58}
VENV=${COUNCIL_VENV:-$ROOT/.venv}
STATE=$ROOT/.local            # git-ignored: cluster, sockets, logs, Odoo config and filestore
PGDATA_DIR=$STATE/pgdata
PGSOCK_DIR=$STATE/pgsock
PG_PORT=${COUNCIL_PG_PORT:-54329}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ODOO_CONF=$STATE/odoo.conf   # each command names its own (see use_odoo_conf)
ADDONS="council_telephony,council_telephony_reports"

log() { printf '[council] %s\n' "$*" >&2; }
die() { printf '[council] %s\n' "$*" >&2; exit 2; }

# --- Odoo: the council's own tree, else one found here, else the official source -------
is_odoo_tree() { [ -f "$1/odoo/release.py" ]; }

find_odoo() {
    local fetched=$STATE/odoo
    if [ -n "$ODOO_SRC" ]; then
        is_odoo_tree "$ODOO_SRC" ||
            die "Odoo 18 not found: set ODOO_SRC to an Odoo 18.0 source tree (now '$ODOO_SRC')."
        ODOO_PKG_PARENT=$ODOO_SRC
    elif is_odoo_tree "$ODOO_DEFAULT_SRC"; then
        ODOO_PKG_PARENT=$ODOO_DEFAULT_SRC
    elif ODOO_PKG_PARENT=$(python3 -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("odoo").submodule_search_locations[0]))' 2>/dev/null); then
        :
    else
        [ -f "$fetched/.council-commit" ] && [ "$(cat "$fetched/.council-commit")" = "$ODOO_GIT_COMMIT" ] ||
            fetch_odoo "$fetched"
        ODOO_PKG_PARENT=$fetched
    fi
    local version
    version=$(python3 -c 'import sys; ns = {}; exec(open(sys.argv[1]).read(), ns); print(ns["series"])' \
        "$ODOO_PKG_PARENT/odoo/release.py" 2>/dev/null || true)
    [ "$version" = "18.0" ] || die "Odoo at $ODOO_PKG_PARENT is version '${version:-unknown}', not 18.0: set ODOO_SRC to an Odoo 18.0 tree."
}

# A shallow clone of the pinned commit only, into the git-ignored .local/; the marker is
# written last, so an interrupted download is started again, never half used.
fetch_odoo() {
    local dest=$1 tmp=$1.partial
    command -v git >/dev/null ||
        die "Odoo 18 not found and git is missing to get it: set ODOO_SRC to an Odoo 18.0 source tree."
    mkdir -p "$STATE"
    # Asked first, so that without a network the one line printed is why it stops.
    git ls-remote --heads "$ODOO_GIT_URL" 18.0 >"$STATE/odoo-fetch.log" 2>&1 ||
        die "Odoo 18 not found, and getting it from $ODOO_GIT_URL failed (no network?): set ODOO_SRC to an Odoo 18.0 source tree."
    log "no Odoo tree given (ODOO_SRC) or found: getting Odoo 18.0 Community $ODOO_GIT_COMMIT from $ODOO_GIT_URL into $dest"
    rm -rf "$tmp" && mkdir -p "$tmp"
    if ! { git -C "$tmp" init -q &&
        git -C "$tmp" fetch -q --depth 1 "$ODOO_GIT_URL" "$ODOO_GIT_COMMIT" &&
        git -C "$tmp" -c advice.detachedHead=false checkout -q FETCH_HEAD; } >>"$STATE/odoo-fetch.log" 2>&1; then
        rm -rf "$tmp"
        die "Odoo 18 not found, and getting $ODOO_GIT_COMMIT from $ODOO_GIT_URL failed (log: $STATE/odoo-fetch.log): set ODOO_SRC to an Odoo 18.0 source tree."
    fi
    rm -rf "$dest" && mv "$tmp" "$dest"
    echo "$ODOO_GIT_COMMIT" > "$dest/.council-commit"
}

# Both layouts: the git one (addons/ beside odoo/) and the nightly one (all in odoo/addons).
odoo_addons_path() {
    local path="$ODOO_PKG_PARENT/odoo/addons"
    [ -d "$ODOO_PKG_PARENT/addons" ] && path="$ODOO_PKG_PARENT/addons,$path"
    printf '%s,%s' "$path" "$ROOT"
}

# --- Python: a virtualenv with Odoo's requirements, the OCA wheels and our tools -------
apt_install_missing() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing system packages: ${missing[*]} (install them, then run again)"
    log "installing system packages: ${missing[*]}"
    # Another set-up (a second checkout, unattended upgrades) may hold the lock: wait for it.
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
    local stamp="$VENV/.council-stamp" want
    want=$( { cat "$ODOO_PKG_PARENT/requirements.txt" "$ROOT"/setup/requirements*.txt; echo "$ODOO_PKG_PARENT"; } | sha256sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    apt_install_missing libldap2-dev libsasl2-dev libpq-dev
    [ -x "$VENV/bin/python" ] || { log "creating virtualenv $VENV"; python3 -m venv "$VENV"; }
    log "installing Python requirements (Odoo's, OCA addons, tools) into $VENV"
    mkdir -p "$STATE"
    local pip_log=$STATE/pip.log
    {
        "$VENV/bin/pip" install --upgrade pip &&
        "$VENV/bin/pip" install --build-constraint "$ROOT/setup/build-constraints.txt" \
            -r "$ODOO_PKG_PARENT/requirements.txt" &&
        "$VENV/bin/pip" install --no-deps -r "$ROOT/setup/requirements.txt" &&
        "$VENV/bin/pip" install -r "$ROOT/setup/requirements-dev.txt"
    } > "$pip_log" 2>&1 || { grep -v "is ignored" "$pip_log" | tail -n 30; die "installing Python requirements failed (log: $pip_log)"; }
    # Odoo itself is used in place: put the council's tree on the venv's path.
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    printf '%s\n' "$ODOO_PKG_PARENT" > "$site/council-odoo-tree.pth"
    echo "$want" > "$stamp"
}

# --- PostgreSQL 15: a private cluster in the checkout, run as 'postgres' ---------------
as_postgres() { runuser -u postgres -- "$@"; }

ensure_cluster() {
    mkdir -p "$STATE"
    [ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL 15 binaries not found in $PG_BIN (set PG_BIN)."
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        log "creating PostgreSQL cluster in $PGDATA_DIR"
        mkdir -p "$PGDATA_DIR" "$PGSOCK_DIR"
        chown postgres: "$PGDATA_DIR" "$PGSOCK_DIR"
        chmod 700 "$PGDATA_DIR"
        as_postgres "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    mkdir -p "$PGSOCK_DIR" && chown postgres: "$PGSOCK_DIR"
    if ! as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT (socket in $PGSOCK_DIR)"
        touch "$STATE/postgresql.log" && chown postgres: "$STATE/postgresql.log"
        as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$STATE/postgresql.log" -w \
            -o "-p $PG_PORT -k $PGSOCK_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
            start >/dev/null
    fi
    # Odoo refuses to connect as 'postgres': a superuser role named after whoever runs Odoo.
    local me
    me=$(id -un)
    if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$me'")" != "1" ]; then
        psql_admin -qc "CREATE ROLE \"$me\" LOGIN SUPERUSER"
    fi
}

psql_admin() { as_postgres psql -h "$PGSOCK_DIR" -p "$PG_PORT" -U postgres -d postgres -X "$@"; }
psql_db() { local db=$1; shift; psql -h "$PGSOCK_DIR" -p "$PG_PORT" -d "$db" -X "$@"; }

# The run and test commands keep separate configurations, so that one running
# never changes what the other reads.
use_odoo_conf() {
    ODOO_CONF=$STATE/odoo-$1.conf
    write_odoo_conf "$2"
}

write_odoo_conf() {
    local http_port=$1
    cat > "$ODOO_CONF" <<CONF
[options]
addons_path = $(odoo_addons_path)
data_dir = $STATE/filestore
db_host = $PGSOCK_DIR
db_port = $PG_PORT
db_user = $(id -un)
db_password = False
http_interface = 127.0.0.1
http_port = $http_port
list_db = True
CONF
}

# The same entry point as odoo-bin, which a packaged Odoo may not ship.
# A sub-command (shell, server…) comes first, then our configuration.
odoo() {
    local command=()
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then command=("$1"); shift; fi
    "$VENV/bin/python" -c 'import odoo; odoo.cli.main()' "${command[@]}" -c "$ODOO_CONF" "$@"
}

# Installed modules of a database, or nothing when it does not exist.
db_has_addons() {
    local db=$1
    [ "$(psql_db postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" = "1" ] || return 1
    [ "$(psql_db "$db" -tAc "SELECT count(*) FROM ir_module_module WHERE state = 'installed' AND name IN ('council_telephony', 'council_telephony_reports')" 2>/dev/null)" = "2" ]
}

# A fingerprint of the addons' files, to update a database when they changed.
addons_fingerprint() {
    (cd "$ROOT" && find council_telephony council_telephony_reports -type f \
        -not -path '*/__pycache__/*' -not -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum) |
        sha256sum | cut -d' ' -f1
}

setup_all() {
    find_odoo
    # PDFs (wkhtmltopdf) with Hebrew glyphs (Noto, Culmus).
    apt_install_missing wkhtmltopdf fonts-noto-core culmus
    ensure_venv
    ensure_cluster
}

# The browser tours (HttpCase.start_tour) drive a headless Chromium, which Odoo
# finds on the PATH as "chromium"; without it they are skipped, not run. The
# PDF tests read the produced PDFs' text with pdftotext (poppler-utils).
ensure_test_browser() {
    apt_install_missing chromium poppler-utils
}

# The Hebrew (right-to-left) back office needs the rtlcss tool to build its CSS.
ensure_rtlcss() {
    command -v rtlcss >/dev/null && return 0
    command -v npm >/dev/null || { log "npm not found: the Hebrew back office will lack right-to-left CSS"; return 0; }
    log "installing rtlcss (npm) for the right-to-left back office"
    npm install -g --silent rtlcss@4 >/dev/null 2>&1 || log "could not install rtlcss"
}
