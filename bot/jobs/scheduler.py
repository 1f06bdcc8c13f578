"""The APScheduler 3 scheduler: a persistent SQLAlchemy job store in the bot's own database.

Jobs have fixed ids and replace_existing, so a restart never adds copies; coalesce folds a backlog
after downtime into one run, and a generous misfire grace runs a late job rather than skipping it
(the default of one second would drop a sweep that was due while the bot was restarting). Only
the process holding the scheduler lease runs it (see bot.lease).
"""

from __future__ import annotations

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


def build_scheduler(settings: Settings, engine: Engine, jobs: tuple[tuple[str, str, int], ...] = JOBS) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        job_defaults=JOB_DEFAULTS,
        timezone=ZoneInfo(settings.partnership.timezone),
    )
    for job_id, target, minutes in jobs:
        scheduler.add_job(target, "interval", minutes=minutes, id=job_id, replace_existing=True)
    return scheduler
