#!/usr/bin/env bash
# Cost of the aggregator's exactly-once counting statement, before (migrations 0001-0003: one statement keyed by
# id + CloudEvent day) and after (0004: count_messages, dedup by id across partitions, advisory locks, series cap).
# Starts a private PostgreSQL 15 (as user postgres), runs pgbench against both schemas, prints the numbers, stops it.
# Usage: loadtest/microbench/sql/count-statement.sh [OLD_COMMIT] (default: the commit before migration 0004).
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
old=${1:-$(git -C "$repo" log --diff-filter=A --format=%H -- services/aggregator/Schema/Migrations/0004_dedup_by_message_id.sql services/aggregator/Database/Migrations/0004_dedup_by_message_id.sql | tail -1)~1}
bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/count-bench.XXXX); chown postgres "$dir"
port=$((20000 + RANDOM % 5000))
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c fsync=off -c shared_buffers=256MB" -l "$dir/log" -w start >/dev/null
trap '[ -n "${KEEP:-}" ] || { as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null; rm -rf "$dir"; }' EXIT
psql() { as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }

migrations() { # $1 = commit, $2.. = versions
  local commit=$1; shift
  # The folder was Schema/Migrations before it became Database/Migrations: take whichever the commit has.
  local folder=services/aggregator/Database/Migrations
  git -C "$repo" cat-file -e "$commit:$folder" 2>/dev/null || folder=services/aggregator/Schema/Migrations
  for v in "$@"; do
    git -C "$repo" show "$commit:$folder/$(git -C "$repo" ls-tree --name-only "$commit" $folder/ | xargs -n1 basename | grep "^$v")" | sed 's/{schema}/logdapr/g'
  done
}
partitions() { # the five daily partitions maintenance keeps (yesterday .. +3)
  for d in -1 0 1 2 3; do
    day=$(date -u -d "$d day" +%F); next=$(date -u -d "$((d + 1)) day" +%F); name=p$(date -u -d "$d day" +%Y%m%d)
    echo "CREATE TABLE logdapr.processed_messages_$name PARTITION OF logdapr.processed_messages FOR VALUES FROM ('$day') TO ('$next');"
  done
}
psql -c "CREATE DATABASE before" -c "CREATE DATABASE after"
{ echo "CREATE SCHEMA logdapr;"; migrations "$old" 0001 0002 0003; partitions; } | psql -d before
{ echo "CREATE SCHEMA logdapr;"; migrations HEAD 0001 0002 0003 0004; partitions; } | psql -d after

# One delivery: 100 messages of 5 events, 5 tenants, 2 series each, in the current minute. ids from :r; with
# DUP=1 they come from a small range, so most deliveries are redeliveries.
batch() { # $1 = with day (before) or not (after)
  local day=""; [ "$1" = before ] && day="'day', (now() AT TIME ZONE 'UTC')::date::text,"
  cat <<SQL
(SELECT jsonb_agg(jsonb_build_object('id', 'b' || :r || '-' || i, $day 'events', 5, 'counts', jsonb_build_array(
   jsonb_build_array('t' || (i % 5), 'api', to_char(date_trunc('minute', now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'info', 3),
   jsonb_build_array('t' || (i % 5), 'web', to_char(date_trunc('minute', now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'error', 2))))
 FROM generate_series(1, 100) AS i)
SQL
}
before_sql=$(git -C "$repo" show "$old:services/aggregator/Sink/CountsStatement.cs" | sed -n '/WITH msgs AS (/,/CROSS JOIN LATERAL generate_series(1, msgs.events)/p' | sed 's/{schema}/logdapr/g')
after_sql='SELECT FROM generate_series(1, logdapr.count_messages(($1::text)::jsonb, 10000))'
run() { # $1 = before|after, $2 = random range, $3 = clients
  local stmt; [ "$1" = before ] && stmt=$before_sql || stmt=$after_sql
  printf '\\set r random(1, %s)\n%s;\n' "$2" "${stmt//(\$1::text)::jsonb/$(batch "$1")}" > "$dir/$1.sql"
  chown postgres "$dir/$1.sql"
  as_pg "$bin/pgbench" -h "$dir" -p "$port" -U postgres -n -c "$3" -j "$(( $3 < 2 ? 1 : 2 ))" -T "${SECONDS_PER_RUN:-10}" -f "$dir/$1.sql" "$1" 2>&1 \
    | sed -n 's/^latency average = \(.*\) ms/\1/p'
}
# The machine is shared: rounds interleave before and after so both see the same load; compare medians.
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "deliveries of 100 messages x 5 events; latency average in ms per delivery, ${ROUNDS:=3} rounds interleaved"
for clients in 1 4; do
  for kind in "fresh ids:2000000000" "mostly redeliveries:50"; do
    label=${kind%%:*}; range=${kind##*:}
    b=(); a=()
    for _ in $(seq "$ROUNDS"); do b+=("$(run before "$range" "$clients")"); a+=("$(run after "$range" "$clients")"); done
    printf '  %-20s clients=%s  before: %s  after: %s\n' "$label" "$clients" "${b[*]}" "${a[*]}"
  done
done
