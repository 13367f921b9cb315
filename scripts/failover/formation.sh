#!/usr/bin/env bash
# A pg_auto_failover formation on this machine, for the failover test (tests/failover/):
# a monitor and two PostgreSQL 15 nodes on free ports of 127.0.0.1, synchronous replication
# (synchronous_standby_names 'ANY 1 (…)', synchronous_commit on; verified), everything under one directory owned by the
# `postgres` OS user (PostgreSQL refuses to run as root). Needs Debian's
# postgresql-15-auto-failover (scripts/ensure-test-deps.sh installs it).
#
#   formation.sh start <dir>   start it; prints the variables of <dir>/formation.env:
#                              MONITOR_PORT, NODE1_PORT, NODE2_PORT, DATABASE_URL (multi-host,
#                              target_session_attrs=read-write, database "yb")
#   formation.sh stop <dir>    kill every process of it and remove <dir>
#   formation.sh kill-primary <dir>  SIGKILL the primary's postmaster and pg_autoctl
#   formation.sh state <dir>   pg_autoctl show state
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
export PATH="$PGBIN:$PATH"
command -v pg_autoctl >/dev/null || { echo "pg_autoctl is not installed (apt-get install postgresql-15-auto-failover)" >&2; exit 2; }

as_pg() {
  if [ "$(id -un)" = "postgres" ]; then env PATH="$PATH" "$@"; else runuser -u postgres -- env PATH="$PATH" "$@"; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_for() { # seconds, description, command…
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  while [ "$SECONDS" -lt "$deadline" ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.3
  done
  echo "[failover] timed out waiting for $what" >&2
  return 1
}

SOCKETS=/var/run/postgresql
sql() { # port, db, sql — as the postgres OS user over the local socket
  as_pg psql -X -q -At -h "$SOCKETS" -p "$1" -U postgres -d "$2" -c "$3"
}

is() { # expected, port, db, sql
  [ "$(sql "$2" "$3" "$4" 2>/dev/null)" = "$1" ]
}

synchronous() { # port: a standby in sync (or quorum) state
  sql "$1" postgres "SELECT sync_state FROM pg_stat_replication" 2>/dev/null | grep -Eq '^(sync|quorum)$'
}

launch() { # name, dir, command… — in a process group of its own, recorded in <dir>/<name>.pgid
  local name=$1 dir=$2; shift 2
  setsid runuser -u postgres -- env PATH="$PATH" "$@" >"$dir/$name.log" 2>&1 < /dev/null &
  local pid=$!
  sleep 0.2
  echo "$(ps -o pgid= "$pid" 2>/dev/null | tr -d ' ' || echo "$pid")" >"$dir/$name.pgid"
}

start() {
  local dir=$1
  mkdir -p "$dir"
  chown postgres: "$dir" 2>/dev/null || true
  MONITOR_PORT=$(free_port); NODE1_PORT=$(free_port); NODE2_PORT=$(free_port)
  while [ "$NODE1_PORT" = "$MONITOR_PORT" ] || [ "$NODE2_PORT" = "$NODE1_PORT" ] || [ "$NODE2_PORT" = "$MONITOR_PORT" ]; do NODE2_PORT=$(free_port); NODE1_PORT=$(free_port); done
  local common=(--auth trust --no-ssl --hostname 127.0.0.1)

  launch monitor "$dir" pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$MONITOR_PORT" "${common[@]}" --run
  wait_for 60 "the monitor" sql "$MONITOR_PORT" pg_auto_failover "SELECT 1 FROM pgautofailover.formation"
  # Quick health checks, so that a dead primary is noticed in seconds (defaults: about 20 s).
  local setting
  for setting in health_check_period=1000 health_check_timeout=1000 health_check_max_retries=1 health_check_retry_delay=500 node_considered_unhealthy_timeout=3000; do
    sql "$MONITOR_PORT" pg_auto_failover "ALTER SYSTEM SET pgautofailover.${setting%%=*} = ${setting#*=}" >/dev/null
  done
  sql "$MONITOR_PORT" pg_auto_failover "SELECT pg_reload_conf()" >/dev/null
  local monitor="postgres://autoctl_node@127.0.0.1:$MONITOR_PORT/pg_auto_failover?sslmode=disable"

  for n in 1 2; do
    local port_var="NODE${n}_PORT"
    launch "node$n" "$dir" pg_autoctl create postgres --pgdata "$dir/node$n" --pgport "${!port_var}" --name "node$n" --dbname yb \
      --monitor "$monitor" "${common[@]}" --run
    if [ "$n" = 1 ]; then
      wait_for 120 "node1 to be a single primary" is single "$MONITOR_PORT" pg_auto_failover "SELECT reportedstate FROM pgautofailover.node WHERE nodename = 'node1'"
      # Unthrottled checkpoints: the standby's base backup waits for one (spread: minutes on a busy machine).
      sql "$NODE1_PORT" postgres "ALTER SYSTEM SET checkpoint_completion_target = 0" >/dev/null
      sql "$NODE1_PORT" postgres "SELECT pg_reload_conf()" >/dev/null
    fi
  done
  wait_for 180 "node1 primary and node2 secondary" is node1=primary,node2=secondary "$MONITOR_PORT" pg_auto_failover \
    "SELECT string_agg(nodename || '=' || reportedstate, ',' ORDER BY nodename) FROM pgautofailover.node"
  # number_sync_standbys stays 0: pg_auto_failover refuses 1 with fewer than two standbys. With
  # 0 and one standby in the replication quorum, the primary has synchronous_standby_names =
  # 'ANY 1 (pgautofailover_standby_2)': a commit returns once node2 has it (checked below).
  # The application's own connections (as postgres, from 127.0.0.1) to either node.
  for n in 1 2; do
    if ! grep -q '^host all postgres 127.0.0.1/32 trust' "$dir/node$n/pg_hba.conf"; then
      sed -i '1i host all postgres 127.0.0.1/32 trust' "$dir/node$n/pg_hba.conf"
    fi
    local port_var="NODE${n}_PORT"
    sql "${!port_var}" postgres "SELECT pg_reload_conf()" >/dev/null
  done
  # Synchronous, really: the primary waits for node2 before a commit returns.
  wait_for 60 "synchronous replication" synchronous "$NODE1_PORT"
  local names commit
  names=$(sql "$NODE1_PORT" postgres "SHOW synchronous_standby_names")
  commit=$(sql "$NODE1_PORT" postgres "SHOW synchronous_commit")
  [ -n "$names" ] && [ "$commit" = "on" ] || { echo "[failover] not synchronous: synchronous_standby_names='$names' synchronous_commit=$commit" >&2; exit 1; }
  cat >"$dir/formation.env" <<ENV
MONITOR_PORT=$MONITOR_PORT
NODE1_PORT=$NODE1_PORT
NODE2_PORT=$NODE2_PORT
SYNCHRONOUS_STANDBY_NAMES='$names'
DATABASE_URL=postgres://postgres@127.0.0.1:$NODE1_PORT,127.0.0.1:$NODE2_PORT/yb?target_session_attrs=read-write
ENV
  cat "$dir/formation.env"
}

kill_node() { # dir, name — SIGKILL to its pg_autoctl (the whole process group) and its postmaster
  local dir=$1 name=$2 pgid pid
  if [ -f "$dir/$name.pgid" ]; then
    pgid=$(cat "$dir/$name.pgid")
    # Never this script's own group (were setsid to have failed).
    if [ -n "$pgid" ] && [ "$pgid" -gt 1 ] && [ "$pgid" != "$(ps -o pgid= $$ | tr -d ' ')" ]; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
  fi
  if [ -f "$dir/$name/postmaster.pid" ]; then
    pid=$(head -n 1 "$dir/$name/postmaster.pid")
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  fi
}

stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  # All at once, supervisors with their postmasters, so that nothing restarts what was killed.
  for name in node1 node2 monitor; do kill_node "$dir" "$name"; done
  sleep 0.3
  rm -rf "$dir"
}

# The primary node dies as a machine would: its postmaster and its pg_autoctl, SIGKILL.
# Prints the name of the node killed and when the kill was done (milliseconds since the epoch):
# from then on nothing can commit there.
kill_primary() {
  local dir=$1 name port
  source "$dir/formation.env"
  for name in node1 node2; do
    port=$([ "$name" = node1 ] && echo "$NODE1_PORT" || echo "$NODE2_PORT")
    if is f "$port" postgres "SELECT pg_is_in_recovery()"; then
      kill_node "$dir" "$name"
      echo "$name $(date +%s%3N)"
      return 0
    fi
  done
  echo "[failover] no primary found" >&2
  return 1
}

case "${1:-}" in
  start) start "${2:?directory}" ;;
  stop) stop "${2:?directory}" ;;
  kill-primary) kill_primary "${2:?directory}" ;;
  state) as_pg pg_autoctl show state --pgdata "${2:?directory}/monitor" ;;
  *) echo "usage: $0 start|stop|state <dir>" >&2; exit 2 ;;
esac
