#!/usr/bin/env bash
# `make serve`: the production shape on this machine — gunicorn + WhiteNoise, DEBUG off, PostgreSQL,
# Redis, a Celery worker and a single beat — on 127.0.0.1 only. Ctrl-C stops all three processes.
# With PIAL_SERVE_REPLICA=1, the reports read on a real streaming replica (below).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p var

# PIAL_SERVE_REPLICA=1: the reports read on a streaming replica. The machine's cluster refuses
# replication connections, so a primary and its standby of our own (deploy/pgpair.py) run under
# var/pg-pair on ports 5442 and 5443 (PIAL_SERVE_PG_PORTS), kept between runs, stopped on exit.
pair_dir=""
if [ "${PIAL_SERVE_REPLICA:-0}" = "1" ]; then
  pair_dir="${PIAL_SERVE_PG_DIR:-$PWD/var/pg-pair}"
  read -r primary_port replica_port <<< "${PIAL_SERVE_PG_PORTS:-5442 5443}"
  $BIN/python deploy/pgpair.py start "$pair_dir" "$primary_port" "$replica_port"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$primary_port/pial_serve"
  export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$replica_port/pial_serve"
fi
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pial_serve}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/6}"
export DEBUG=0 ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}" SITE_URL="${SITE_URL:-http://127.0.0.1:8000}"
# Plain HTTP on loopback: no TLS redirect, no HSTS. A real deployment terminates TLS in front.
export SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 SECURE_COOKIES=0 FORWARDED_ALLOW_IPS=127.0.0.1
# A local secret, made once and kept out of the repository.
[ -s var/serve-secret-key ] || $BIN/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/serve-secret-key
export SECRET_KEY="$(cat var/serve-secret-key)"

db_name="${DATABASE_URL##*/}"
psql "${DATABASE_URL%/*}/postgres" -tc "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE \"$db_name\""
$BIN/python manage.py createcachetable  # the login limits' cache when Redis is absent or down (first: the cache's epochs live there)
$BIN/python manage.py migrate --noinput
$BIN/python manage.py collectstatic --noinput --verbosity 0
# The demo accounts, once (the loader needs DEBUG; the server then runs without it).
DEBUG=1 DEMO=1 $BIN/python manage.py seed_demo --if-empty

$BIN/celery -A pial worker --loglevel INFO --concurrency 2 --without-gossip --without-mingle &
worker=$!
$BIN/celery -A pial beat --loglevel INFO --schedule var/celerybeat-schedule-serve &
beat=$!
trap 'kill $worker $beat 2>/dev/null; wait; [ -z "$pair_dir" ] || $BIN/python deploy/pgpair.py stop "$pair_dir"' EXIT INT TERM
$BIN/gunicorn pial.wsgi -c gunicorn.conf.py
