"""every action has its decision row (bot.models.ActionDecision), written by the database itself

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07

Hand-written (regenerate.sh rebuilds 0001 only). A trigger rather than code in each insert path: actions
arrive through the ORM, the import's bulk COPY and benchmarks' raw SQL, and an action without its row
would never be swept, silently. On PostgreSQL one statement-level trigger with a transition table, so a
COPY of 20,000 actions adds one INSERT ... SELECT, not 20,000 function calls.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A live action (bot.history_queries.live_action, as the partial indexes of 0001 spell it) starts at DECIDE_NOW;
# one inserted closed or out of the plan (an imported plan's finished actions) has no day to come.
_FIRST_DAY = ("CASE WHEN removed_from_plan_at IS NULL AND status NOT IN ('complete', 'not_applicable')"
              " THEN '0001-01-01' END")

_POSTGRESQL_UP = [
    """
    CREATE FUNCTION action_decision_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO action_decision (action_id, decide_on) SELECT id, (%s)::date FROM new_actions;
        RETURN NULL;
    END
    $$
    """ % _FIRST_DAY,
    """
    CREATE TRIGGER action_decision_rows AFTER INSERT ON action
    REFERENCING NEW TABLE AS new_actions FOR EACH STATEMENT EXECUTE FUNCTION action_decision_rows()
    """,
]
_POSTGRESQL_DOWN = ["DROP TRIGGER action_decision_rows ON action", "DROP FUNCTION action_decision_rows()"]
_SQLITE_UP = [
    """
    CREATE TRIGGER action_decision_rows AFTER INSERT ON action FOR EACH ROW
    BEGIN
        INSERT INTO action_decision (action_id, decide_on) SELECT NEW.id, %s;
    END
    """ % _FIRST_DAY.replace("removed_from_plan_at", "NEW.removed_from_plan_at").replace("status", "NEW.status"),
]
_SQLITE_DOWN = ["DROP TRIGGER action_decision_rows"]


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL_UP if postgresql else _SQLITE_UP:
        op.execute(statement)
    cast = "::date" if postgresql else ""
    op.execute(f"INSERT INTO action_decision (action_id, decide_on) SELECT id, ({_FIRST_DAY}){cast} FROM action"
               " WHERE id NOT IN (SELECT action_id FROM action_decision)")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL_DOWN if postgresql else _SQLITE_DOWN:
        op.execute(statement)
