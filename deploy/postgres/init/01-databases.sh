#!/usr/bin/env bash
# Runs once, on the first start of an empty PostgreSQL volume: a database and an owner each for
# Apicurio Registry (schemas) and Keycloak (realm, clients, keys). Passwords come from the
# environment docker-compose.yml sets from .env.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v apicurio_password="$APICURIO_DB_PASSWORD" -v keycloak_password="$KEYCLOAK_DB_PASSWORD" <<'SQL'
CREATE ROLE apicurio LOGIN PASSWORD :'apicurio_password';
CREATE DATABASE apicurio OWNER apicurio;
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
SQL
