#!/usr/bin/env bash
# A/B of the aggregator's count_messages bodies on a private PostgreSQL 15: database "a" has the migrations up to
# A_LAST (default 0011, the 0004 body), "b" has them all. The delivery is a literal (as the binding sends it: one
# text parameter cast to jsonb) of 100 messages x 5 events over 10 series; ":r" makes the ids fresh per call (or,
# for "redeliveries", drawn from 50 values). Rounds interleave a and b; compare medians, the machine is shared.
# Usage: loadtest/microbench/sql/count-messages-ab.sh   (env: A_LAST, SECONDS_PER_RUN, ROUNDS)
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/count-ab.XXXX); chown postgres "$dir"
port=$((20000 + RANDOM % 5000))
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c fsync=off -c shared_buffers=256MB" -l "$dir/log" -w start >/dev/null
trap 'as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null; rm -rf "$dir"' EXIT
psql() { as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
schema() { # $1 = last migration version to apply
  echo "CREATE SCHEMA logdapr;"
  for f in "$repo"/services/aggregator/Database/Migrations/*.sql; do
    [[ $(basename "$f") < "$1~" ]] && { sed 's/{schema}/logdapr/g' "$f"; echo ";"; }
  done
  for d in -1 0 1 2 3; do
    echo "CREATE TABLE logdapr.processed_messages_p$(date -u -d "$d day" +%Y%m%d) PARTITION OF logdapr.processed_messages FOR VALUES FROM ('$(date -u -d "$d day" +%F)') TO ('$(date -u -d "$((d + 1)) day" +%F)');"
  done
}
psql -c "CREATE DATABASE a" -c "CREATE DATABASE b"
schema "${A_LAST:-0011}" | psql -d a
schema 9999 | psql -d b
bucket=$(date -u +%Y-%m-%dT%H:%M:00Z)
doc=$(for i in $(seq -w 0 99); do t=t$((10#$i % 5))
  printf '{"id":"0193a1b2-c3d4-7e5f-8a9b-:r-%s","events":5,"counts":[["%s","api","%s","info",3],["%s","web","%s","error",2]]}\n' "$i" "$t" "$bucket" "$t" "$bucket"
done | paste -sd,)
for kind in fresh:2000000000 redeliveries:50; do
  printf '\\set r random(1, %s)\nSELECT FROM generate_series(1, logdapr.count_messages((%s::text)::jsonb, 10000));\n' \
    "${kind#*:}" "'[$doc]'" > "$dir/${kind%%:*}.sql"
done
chown postgres "$dir"/*.sql
run() { # $1 = database, $2 = script, $3 = clients
  as_pg "$bin/pgbench" -h "$dir" -p "$port" -U postgres -n -c "$3" -j "$(( $3 < 2 ? 1 : 2 ))" -T "${SECONDS_PER_RUN:-8}" -f "$dir/$2.sql" "$1" 2>&1 \
    | sed -n 's/^latency average = \(.*\) ms/\1/p'
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); latency average in ms per delivery of 100 messages x 5 events"
for cfg in "fresh 1" "fresh 2" "redeliveries 1" "redeliveries 4"; do
  set -- $cfg; a=(); b=()
  for _ in $(seq "${ROUNDS:-3}"); do a+=("$(run a "$1" "$2")"); b+=("$(run b "$1" "$2")"); done
  printf '  %-13s clients=%s  a: %s  b: %s\n' "$1" "$2" "${a[*]}" "${b[*]}"
done
