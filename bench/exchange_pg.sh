#!/usr/bin/env bash
# PostgreSQL 15's cascaded logical replication, county -> city -> province, as the peer of
# `bench/run exchange` (docs/BENCHMARKS.md, "bench/run exchange-pg"). One run:
#
#   bench/exchange_pg.sh ROWS ROW_BYTES WORKDIR
#
# Three throwaway clusters on 127.0.0.1 (bench/pg.sh) with fsync, full_page_writes and
# synchronous_commit on, wal_level=logical, shared_buffers=256MB, max_wal_size=4GB. The county
# publishes enterprise_record, the city subscribes and republishes it, the province subscribes
# to the city. ROWS rows of ROW_BYTES (key, region, industry, version and payload together) are
# made before the clock starts and loaded at the county by COPY, 10,000 rows per transaction;
# the clock stops when the province holds the last row (logical replication applies
# transactions in commit order, so it then holds every row; the count is checked after).
# Prints pg_e2e_rows_per_s and pg_e2e_seconds; progress goes to stderr.
set -euo pipefail
rows=${1:?usage: bench/exchange_pg.sh ROWS ROW_BYTES WORKDIR}
row_bytes=${2:?usage: bench/exchange_pg.sh ROWS ROW_BYTES WORKDIR}
work=${3:?usage: bench/exchange_pg.sh ROWS ROW_BYTES WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
bin=/usr/lib/postgresql/15/bin
tiers=(county city province)

say() { echo "bench: pg: $*" >&2; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
declare -A port
sql() {  # sql TIER STATEMENT: one statement through the cluster's Unix socket, tuples only
  as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -At -h "$work/$1" -p "${port[$1]}" -U postgres \
    -d postgres -c "$2"
}

stop_all() {
  for t in "${tiers[@]}"; do
    [ -d "$work/$t" ] && "$here/pg.sh" stop "$work/$t" 2>/dev/null || true
  done
}
trap stop_all EXIT

mkdir -p "$work"
[ "$(id -u)" = 0 ] && chown postgres "$work"
for t in "${tiers[@]}"; do
  port[$t]=$("$here/pg.sh" start "$work/$t" -c shared_buffers=256MB -c max_wal_size=4GB \
    -c fsync=on -c full_page_writes=on -c synchronous_commit=on -c wal_level=logical \
    -c max_replication_slots=8 -c max_wal_senders=8)
  sql "$t" "CREATE TABLE enterprise_record (key text PRIMARY KEY, region text NOT NULL,
            industry text NOT NULL, version bigint NOT NULL, payload bytea NOT NULL)"
  say "$t on 127.0.0.1:${port[$t]}"
done
conn() { echo "host=127.0.0.1 port=${port[$1]} user=postgres dbname=postgres"; }
sql county "CREATE PUBLICATION up FOR TABLE enterprise_record"
sql city "CREATE SUBSCRIPTION from_county CONNECTION '$(conn county)' PUBLICATION up"
sql city "CREATE PUBLICATION up FOR TABLE enterprise_record"
sql province "CREATE SUBSCRIPTION from_city CONNECTION '$(conn city)' PUBLICATION up"
for t in city province; do  # the initial (empty) table copy is done
  for _ in $(seq 600); do
    [ "$(sql "$t" "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")" = 0 ] && break
    sleep 0.1
  done
done

# The load, made before the clock starts: COPY blocks of 10,000 rows in text format, each its
# own transaction (psql runs in autocommit). Keys are 18-character credit-code-like strings in
# scattered order, as the tierhub benchmark's are.
load="$work/load.sql"
/usr/bin/python3 - "$rows" "$row_bytes" "$load" <<'EOF'
import os, sys
rows, row_bytes, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
key_len, region, industry = 18, "440606", "STEEL"
payload_len = max(1, row_bytes - key_len - len(region) - len(industry) - 8)
payload = "\\\\x" + os.urandom(payload_len).hex()
with open(path, "w") as out:
    for start in range(0, rows, 10000):
        out.write("COPY enterprise_record FROM STDIN;\n")
        for i in range(start, min(rows, start + 10000)):
            key = "91440606%010d" % ((i * 2654435761) % 10**10)
            out.write(f"{key}\t{region}\t{industry}\t1\t{payload}\n")
        out.write("\\.\n")
    out.write(f"-- last key: {key}\n")
EOF
last=$(tail -n 1 "$load" | sed 's/^-- last key: //')
[ "$(id -u)" = 0 ] && chown postgres "$load"
say "loading $rows rows of $row_bytes bytes at the county"

start=$(date +%s.%N)
as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$work/county" -p "${port[county]}" -U postgres \
  -d postgres -f "$load" >/dev/null
loaded=$(date +%s.%N)
say "county loaded in $(echo "$loaded - $start" | bc) s; waiting for the province"
until [ "$(sql province "SELECT count(*) FROM enterprise_record WHERE key = '$last'")" = 1 ]; do
  sleep 0.05
done
end=$(date +%s.%N)
held=$(sql province "SELECT count(*) FROM enterprise_record")
if [ "$held" != "$rows" ]; then
  say "FAILED: the province holds $held rows of $rows"
  exit 1
fi
seconds=$(echo "$end - $start" | bc -l)
printf 'pg_e2e_rows_per_s=%.0f\n' "$(echo "$rows / $seconds" | bc -l)"
printf 'pg_e2e_seconds=%.2f\n' "$seconds"
printf 'pg_county_load_seconds=%.2f\n' "$(echo "$loaded - $start" | bc -l)"
