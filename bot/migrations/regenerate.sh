#!/usr/bin/env bash
# Developer tool: rebuild the initial migration from bot/models.py (only while nothing is deployed).
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -f bot/migrations/versions/0001_*.py /tmp/dhr-autogen.db
# The later, hand-written migrations (triggers autogenerate cannot see) step aside while 0001 is rebuilt.
aside=$(mktemp -d)
find bot/migrations/versions -maxdepth 1 -name '0*.py' ! -name '0001_*' -exec mv {} "$aside"/ \;
trap 'mv "$aside"/*.py bot/migrations/versions/ && rmdir "$aside"' EXIT
.venv/bin/python - <<'PY'
from alembic import command
from bot.db import make_engine, alembic_config
engine = make_engine("sqlite:////tmp/dhr-autogen.db")
config = alembic_config(engine)
command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
PY
ls bot/migrations/versions/0001_*.py
