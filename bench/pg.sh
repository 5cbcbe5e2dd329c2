#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for benchmarks, on 127.0.0.1 only (bench/run progress).
#
#   bench/pg.sh start DIR [-c name=value ...]
#                             installs postgresql-15 from Debian if missing, creates a cluster
#                             in DIR, starts it on a free loopback port; prints the port.
#                             Extra -c settings come after the defaults below and win.
#   bench/pg.sh stop DIR      stops it (the caller removes DIR)
#
# Settings: shared_buffers 1 GB and work_mem 64 MB, so that the 1,000,000-enterprise tables
# (about 0.5 GB) are cached after the load; parallel query stays at PostgreSQL's default.
set -euo pipefail
cmd=${1:?usage: bench/pg.sh start|stop DIR}
dir=${2:?usage: bench/pg.sh start|stop DIR}
shift 2
extra="$*"
bin=/usr/lib/postgresql/15/bin

as_pg() {  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ ! -x "$bin/postgres" ]; then
      echo "installing postgresql-15 from Debian ..." >&2
      sudo_="" ; [ "$(id -u)" = 0 ] || sudo_=sudo
      $sudo_ apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq postgresql-15 >&2
      # Debian's package starts a cluster of its own on 5432; the benchmark does not use it.
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c shared_buffers=1GB -c work_mem=64MB -c max_wal_size=4GB -c fsync=on $extra" \
      start >/dev/null
    echo "$port"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
    ;;
  *) echo "usage: bench/pg.sh start|stop DIR" >&2; exit 2 ;;
esac
