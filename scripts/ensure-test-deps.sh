#!/usr/bin/env bash
# Makes sure what the tests need outside npm is on this machine (Debian): Chromium and a
# CJK font for the browser tests, pg_auto_failover for the failover test, and a running
# PostgreSQL server with trust auth on 127.0.0.1:5432 and a database "test". Idempotent and
# quick when everything is there.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" = "0" ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v chromium >/dev/null 2>&1; then
  echo "[deps] installing Debian's chromium"
  apt_install chromium
fi
if ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy\|noto sans cjk'; then
  echo "[deps] installing a CJK font for screenshots"
  apt_install fonts-wqy-microhei fontconfig
fi

# The failover test (npm run test:failover, scripts/failover/): pg_auto_failover for PostgreSQL 15.
if ! command -v pg_autoctl >/dev/null 2>&1; then
  echo "[deps] installing Debian's postgresql-15-auto-failover"
  apt_install postgresql-15-auto-failover
fi

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if [ -n "${DATABASE_URL:-}" ]; then
  echo "[deps] DATABASE_URL is set: the tests use that server"
elif ! command -v pg_isready >/dev/null 2>&1 || ! pg_ready; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "[deps] installing PostgreSQL"
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # A test machine's own server: trust on loopback, as the tests expect.
  if ! $SUDO grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  echo "[deps] starting PostgreSQL $version"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  pg_ready || { echo "[deps] PostgreSQL did not start" >&2; exit 1; }
fi
if [ -z "${DATABASE_URL:-}" ]; then
  if ! psql -h 127.0.0.1 -U postgres -d test -Atc 'SELECT 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null
  fi
  echo "[deps] PostgreSQL ready on 127.0.0.1:5432"
fi
