#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and CI: initdb under a temporary folder,
# listening on 127.0.0.1 only (and a Unix socket in the same folder), password
# (SCRAM) authentication for every connection, so wrong-password tests are real.
#
#   cluster.sh start DIR   creates and starts the cluster in DIR (an empty or missing
#                          folder); prints shell `export` lines: PGHOST PGPORT PGUSER
#                          PGPASSWORD PGDATABASE and SCORECARD_TEST_PG_DIR
#   cluster.sh stop DIR    stops it (fast shutdown) and removes DIR
#
# Needs PostgreSQL's server binaries (Debian: postgresql). As root, the server runs as the
# `postgres` user, since PostgreSQL refuses to run as root. Exit 77 when no server exists.
set -euo pipefail
command=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
    for candidate in /usr/lib/postgresql/*/bin; do
        [ -x "$candidate/initdb" ] && bindir=$candidate
    done
fi
if [ -z "$bindir" ] && command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    bindir=$(pg_config --bindir)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "cluster.sh: no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql" >&2
    exit 77
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
        runuser -u postgres -- test -w "$dir" || { echo "cluster.sh: the postgres user cannot reach $dir (a parent folder is private)" >&2; exit 1; }
    fi
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile"
    as_owner "$bindir/initdb" -D "$dir/data" -U scorecard --pwfile="$dir/pwfile" --auth=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + (RANDOM * 7 + $$ + attempt * 131) % 30000))
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=40" start >/dev/null 2>&1; then
            echo "export PGHOST=127.0.0.1 PGPORT=$port PGUSER=scorecard PGPASSWORD=$password PGDATABASE=postgres SCORECARD_TEST_PG_DIR=$dir"
            exit 0
        fi
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
stop)
    if [ -d "$dir/data" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: cluster.sh start|stop DIR" >&2
    exit 64
    ;;
esac
