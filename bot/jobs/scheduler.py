"""The APScheduler 3 scheduler: a persistent SQLAlchemy job store in the bot's own database.

Jobs have fixed ids and replace_existing, so a restart never adds copies. Each start (a process
starting, or one taking over the scheduler lease from a dead one) replaces every job with its
first run due at once: the interval trigger would otherwise put the first run a whole interval
after the start (15 minutes for the sweep, an hour for the digest check), and the job store's
old next-run times belong to a process that is gone. Running at once is safe because every job
is idempotent (the outbox keys, the digest's sent mark). After that each job runs every
`minutes`; coalesce folds a backlog into one run, and a generous misfire grace runs a late job
rather than skipping it (APScheduler's default of one second would drop one whenever the
process was busy). Only the process holding the scheduler lease runs it (see bot.lease).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from bot.settings import Settings

JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": 3600, "max_instances": 1}

#: (job id, "module:function", minutes between runs)
JOBS: tuple[tuple[str, str, int], ...] = (
    ("sweep", "bot.jobs.tasks:sweep_job", 15),
    ("deliver", "bot.jobs.tasks:deliver_job", 1),
    ("inbox", "bot.jobs.tasks:inbox_job", 5),
    ("digest", "bot.jobs.tasks:digest_job", 60),
)


def build_scheduler(
    settings: Settings,
    engine: Engine,
    jobs: tuple[tuple[str, str, int], ...] = JOBS,
    *,
    now: datetime | None = None,
) -> BackgroundScheduler:
    """A scheduler whose jobs all run first at `now` (the moment it is built by default)."""
    zone = ZoneInfo(settings.partnership.timezone)
    first_run = (now or datetime.now(zone)).astimezone(zone)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        job_defaults=JOB_DEFAULTS,
        timezone=zone,
    )
    for job_id, target, minutes in jobs:
        scheduler.add_job(
            target, "interval", minutes=minutes, id=job_id, replace_existing=True, next_run_time=first_run
        )
    return scheduler
