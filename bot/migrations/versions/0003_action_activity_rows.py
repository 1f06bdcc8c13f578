"""every action has its activity row (bot.models.ActionActivity), its review and liveness kept by the database

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08

Hand-written (regenerate.sh rebuilds 0001 only). Triggers, as in 0002, rather than code in each write path: actions
are inserted by the ORM, the import's bulk COPY and benchmarks' raw SQL, and their status, removal from the plan
and review are changed by the ORM and by Core updates; a row that missed one would count a closed action as
unanswered, or leave a chased action off its review's page. The times chased and answered are not the database's
to keep: bot/action_copies.py writes them.

On PostgreSQL the insert trigger is per statement with a transition table (a COPY of 20,000 actions adds one
INSERT ... SELECT); the update trigger is per row, as PostgreSQL allows no transition table on a trigger limited to
some columns, and limited to those columns (and to rows where one of them changed) so that other writes of an
action, most of them, call nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The action's columns the activity row copies (its review, and what says whether it is live).
_FOLLOWED = ("review_id", "status", "removed_from_plan_at")
_CHANGED_PG = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _FOLLOWED)
_CHANGED_SQLITE = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _FOLLOWED)
_SET = ", ".join(f"{c} = NEW.{c}" for c in _FOLLOWED)
_COLUMNS = ", ".join(_FOLLOWED)

_POSTGRESQL_UP = [
    f"""
    CREATE FUNCTION action_activity_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO action_activity (action_id, {_COLUMNS}) SELECT id, {_COLUMNS} FROM new_actions;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER action_activity_rows AFTER INSERT ON action
    REFERENCING NEW TABLE AS new_actions FOR EACH STATEMENT EXECUTE FUNCTION action_activity_rows()
    """,
    f"""
    CREATE FUNCTION action_activity_follows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE action_activity SET {_SET} WHERE action_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE TRIGGER action_activity_follows AFTER UPDATE OF {_COLUMNS} ON action
    FOR EACH ROW WHEN ({_CHANGED_PG}) EXECUTE FUNCTION action_activity_follows()
    """,
]
_POSTGRESQL_DOWN = ["DROP TRIGGER action_activity_follows ON action", "DROP FUNCTION action_activity_follows()",
                    "DROP TRIGGER action_activity_rows ON action", "DROP FUNCTION action_activity_rows()"]
_SQLITE_UP = [
    f"""
    CREATE TRIGGER action_activity_rows AFTER INSERT ON action FOR EACH ROW
    BEGIN
        INSERT INTO action_activity (action_id, {_COLUMNS})
        VALUES (NEW.id, {", ".join(f"NEW.{c}" for c in _FOLLOWED)});
    END
    """,
    f"""
    CREATE TRIGGER action_activity_follows AFTER UPDATE OF {_COLUMNS} ON action FOR EACH ROW
    WHEN {_CHANGED_SQLITE}
    BEGIN
        UPDATE action_activity SET {_SET} WHERE action_id = NEW.id;
    END
    """,
]
_SQLITE_DOWN = ["DROP TRIGGER action_activity_follows", "DROP TRIGGER action_activity_rows"]


def upgrade() -> None:
    from bot.action_copies import refresh_activity  # the one home of what the two times are

    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL_UP if postgresql else _SQLITE_UP:
        op.execute(statement)
    op.execute(f"INSERT INTO action_activity (action_id, {_COLUMNS}) SELECT id, {_COLUMNS} FROM action"
               " WHERE id NOT IN (SELECT action_id FROM action_activity)")
    op.get_bind().execute(refresh_activity(None))


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL_DOWN if postgresql else _SQLITE_DOWN:
        op.execute(statement)
