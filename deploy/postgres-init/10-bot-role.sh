#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d).
# The bot gets a role of its own that owns its database and nothing else: no superuser, no CREATEDB, no
# CREATEROLE, no other database. The superuser (POSTGRES_USER) stays with the operator.
set -eu
: "${BOT_DB_PASSWORD:?set BOT_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=bot_password="$BOT_DB_PASSWORD" <<'SQL'
CREATE ROLE bot LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'bot_password';
CREATE DATABASE bot OWNER bot;
REVOKE ALL ON DATABASE bot FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE bot TO bot;
SQL
