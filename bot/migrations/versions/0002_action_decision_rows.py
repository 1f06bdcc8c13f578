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

_POSTGRESQL_UP = [
    """
    CREATE FUNCTION action_decision_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO action_decision (action_id) SELECT id FROM new_actions;
        RETURN NULL;
    END
    $$
    """,
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
        INSERT INTO action_decision (action_id) VALUES (NEW.id);
    END
    """,
]
_SQLITE_DOWN = ["DROP TRIGGER action_decision_rows"]


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL_UP if postgresql else _SQLITE_UP:
        op.execute(statement)
    op.execute("INSERT INTO action_decision (action_id) SELECT id FROM action"
               " WHERE id NOT IN (SELECT action_id FROM action_decision)")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL_DOWN if postgresql else _SQLITE_DOWN:
        op.execute(statement)
