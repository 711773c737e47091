#!/usr/bin/env bash
# `make services`: the PostgreSQL and Redis that CI, `make load`, `make faults` and the
# PostgreSQL test run need, on loopback only, on a Debian or Ubuntu machine (root).
# Idempotent: installs with apt what is missing, starts what is down, and waits until both
# answer. `make run` and `make test` need neither (SQLite, local-memory cache).
#
# PostgreSQL: the distribution's cluster, trust authentication for user `postgres` on
# 127.0.0.1:5432 (loopback only, for tests and development: never a production server).
# Redis: no persistence, 127.0.0.1:6379.
set -euo pipefail

PG_PORT=5432
REDIS_PORT=6379

say() { printf 'services: %s\n' "$*"; }

pg_answers() { pg_isready -h 127.0.0.1 -p "$PG_PORT" -U postgres -q 2>/dev/null; }
pg_trusts() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -w -Atqc 'select 1' >/dev/null 2>&1; }
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

if pg_answers && pg_trusts && command -v redis-cli >/dev/null && redis_answers; then
  say "PostgreSQL (127.0.0.1:$PG_PORT) and Redis (127.0.0.1:$REDIS_PORT) already answer"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  say "PostgreSQL or Redis is not answering on loopback, and installing or starting them"
  say "needs root (sudo make services), or start them yourself: see README 'Tests and CI'."
  exit 1
fi

missing=()
command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
  || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No service start by the package scripts: this script starts what it needs (containers
  # and CI machines have no init system). A policy the machine had is put back after.
  policy=/usr/sbin/policy-rc.d
  [ -e "$policy" ] && cp -p "$policy" "$policy.helpcenter-saved"
  restore_policy() {
    if [ -e "$policy.helpcenter-saved" ]; then mv "$policy.helpcenter-saved" "$policy"; else rm -f "$policy"; fi
  }
  trap restore_policy EXIT
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  restore_policy
  trap - EXIT
fi

# --- PostgreSQL --------------------------------------------------------------------------
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if [ ! -d "/etc/postgresql/$version/main" ]; then
  say "creating the PostgreSQL $version cluster"
  pg_createcluster "$version" main --port "$PG_PORT" >/dev/null
fi
conf="/etc/postgresql/$version/main"
hba="$conf/pg_hba.conf"
marker="# helpcenter: trust on loopback (make services)"
if ! grep -qF "$marker" "$hba"; then
  # First matching line wins: put the trust lines above the distribution's defaults.
  { echo "$marker"
    echo "host all all 127.0.0.1/32 trust"
    echo "host all all ::1/128 trust"
    cat "$hba"; } > "$hba.new"
  mv "$hba.new" "$hba"
  chown postgres:postgres "$hba"
fi
mkdir -p "$conf/conf.d"
# A server for tests and development: losing the last seconds of writes on a crash is
# acceptable there, waiting for the disk on every commit is not. (On a machine whose
# PostgreSQL keeps data that matters, do not run this: start your own servers instead.)
before=$(cat "$conf/conf.d/helpcenter.conf" 2>/dev/null || true)
cat > "$conf/conf.d/helpcenter.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
if pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  # Addresses, port and connections take a restart; the trust lines a reload.
  if [ "$before" != "$(cat "$conf/conf.d/helpcenter.conf")" ]; then
    say "restarting PostgreSQL $version with the settings above"
    pg_ctlcluster --skip-systemctl-redirect "$version" main restart
  else
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
else
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

# --- Redis -------------------------------------------------------------------------------
if ! redis_answers; then
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' \
    --appendonly no --logfile /tmp/helpcenter-redis.log
fi

for _ in $(seq 1 60); do
  if pg_answers && pg_trusts && redis_answers; then
    say "PostgreSQL (127.0.0.1:$PG_PORT, user postgres) and Redis (127.0.0.1:$REDIS_PORT) answer"
    exit 0
  fi
  sleep 0.5
done
say "PostgreSQL or Redis did not answer within 30 s"
pg_lsclusters || true
tail -n 20 "/var/log/postgresql/postgresql-$version-main.log" 2>/dev/null || true
exit 1
