#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server, for the tests of
# eventoutbox that need a real one:
#
#   eventoutbox/scripts/postgres.sh go test -race ./...
#
# It finds the server binaries of Debian's postgresql package under
# /usr/lib/postgresql/*/bin, installing the package with apt-get if they
# are missing (as root); makes a new cluster with initdb in a temporary
# directory; starts it listening on a Unix socket in that directory only
# (no TCP port, so runs never collide); runs the command with
#
#   EVENTOUTBOX_POSTGRES_DSN       host=<dir> port=5432 user=postgres dbname=postgres sslmode=disable
#   EVENTOUTBOX_POSTGRES_REQUIRED  1  (a test that needs PostgreSQL then fails instead of skipping)
#
# and stops the server and removes the directory when the command ends,
# however it ends. The command's exit code is the script's. PostgreSQL
# refuses to run as root, so as root the server runs as the "postgres"
# user the package creates.
set -euo pipefail
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
	echo "usage: $0 COMMAND [ARG...]" >&2
	exit 2
fi

find_bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && echo "$d"
	done | sort -V | tail -n 1
}
bin=$(find_bin)
if [ -z "$bin" ]; then
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
		echo "postgres.sh: no PostgreSQL server under /usr/lib/postgresql; install Debian's postgresql package" >&2
		exit 1
	fi
	echo "postgres.sh: installing Debian's postgresql package" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
	bin=$(find_bin)
	[ -n "$bin" ] || { echo "postgres.sh: postgresql installed but no initdb found" >&2; exit 1; }
fi

# As root the server runs as "postgres", which must reach the directory:
# /tmp, whatever TMPDIR says.
base=${TMPDIR:-/tmp}
[ "$(id -u)" -eq 0 ] && base=/tmp
dir=$(mktemp -d "$base/eventoutbox-pg.XXXXXX")
as_owner() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$dir"
	as_owner() { runuser -u postgres -- "$@"; }
fi
cleanup() {
	as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
	{ cat "$dir/initdb.log" >&2; exit 1; }
if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
	-o "-c listen_addresses= -k $dir -p 5432" start >/dev/null; then
	cat "$dir/server.log" >&2
	exit 1
fi
echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on socket $dir" >&2

export EVENTOUTBOX_POSTGRES_DSN="host=$dir port=5432 user=postgres dbname=postgres sslmode=disable"
export EVENTOUTBOX_POSTGRES_REQUIRED=1
status=0
"$@" || status=$?
exit "$status"
