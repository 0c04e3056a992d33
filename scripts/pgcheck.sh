#!/usr/bin/env bash
# Says, before the tests run, whether the PostgreSQL suite will run: the
# same lookup as internal/pgtest (PATH, then /usr/lib/postgresql/*/bin).
if [ -n "${SPRINTGUARD_TEST_DATABASE_URL:-}" ]; then
	echo "make test: PostgreSQL suite on SPRINTGUARD_TEST_DATABASE_URL"
	exit 0
fi
if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	exit 0
fi
if [ "${SPRINTGUARD_REQUIRE_POSTGRES:-}" = 1 ]; then
	echo "make test: PostgreSQL is required (SPRINTGUARD_REQUIRE_POSTGRES=1) but initdb was not found" >&2
	exit 1
fi
echo "make test: PostgreSQL not found (apt-get install postgresql); skipped the PostgreSQL suite"
