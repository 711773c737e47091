"""The site's periodic jobs, in one table, run by ``manage.py run_scheduler`` (APScheduler:
cron triggers, in the site's time zone, in one long-lived process; ``deploy/`` runs one).

Each job is a management command, so an operator can run any of them by hand, and each
runs inside the scheduler's process (no interpreter start-up a minute). A job that fails is
logged with its traceback and runs again at its next time; one that is still running when
its next time comes is not started twice; after a pause (a deploy, a stopped container)
a job runs once, not once per missed time.
"""

import logging
import time
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    command: tuple[str, ...]
    cron: dict = field(default_factory=dict)  # APScheduler CronTrigger fields
    why: str = ""


JOBS = (
    Job(
        "publish_scheduled",
        ("publish_scheduled",),
        {"minute": "*"},
        "pages and policies that take effect at a date and time",
    ),
    Job(
        "flush_views",
        ("flush_views",),
        {"minute": "*"},
        "article views counted in the cache, into the database (an idle site's too)",
    ),
    Job(
        "support_due_warnings",
        ("support_due_warnings",),
        {"minute": "*"},
        "first answers nearly due: the assignee or the team is told",
    ),
    Job(
        "purge_search_log",
        ("purge_search_log",),
        {"minute": "7"},
        "search log entries past their retention",
    ),
    Job(
        "support_retention",
        ("support_retention",),
        {"minute": "17"},
        "support requests past their retention are anonymised, attachments deleted",
    ),
    Job(
        "prune_task_results",
        ("prune_db_task_results", "--min-age-days", "1", "--failed-min-age-days", "1"),
        {"minute": "27"},
        "finished background tasks (account e-mails carry their links)",
    ),
    Job(
        "clear_sessions",
        ("clearsessions",),
        {"hour": "3", "minute": "37"},
        "expired sessions, which the database keeps until removed",
    ),
    Job(
        "search_reconcile",
        ("search_index", "reconcile"),
        {"hour": "4", "minute": "7"},
        "index tasks that gave up, words no document uses any more",
    ),
)


def run(job: Job) -> bool:
    """Run ``job`` once; True when it succeeded. Never raises: the scheduler carries on."""
    close_old_connections()  # a connection the database closed meanwhile is not reused
    started = time.monotonic()
    try:
        call_command(*job.command)
    except Exception:
        logger.exception("Scheduled job %s failed", job.name)
        return False
    finally:
        close_old_connections()
    logger.info("Scheduled job %s done in %.1f s", job.name, time.monotonic() - started)
    return True


def scheduler(jobs=JOBS, *, timezone: str):
    """A blocking APScheduler with ``jobs`` added (not started)."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BlockingScheduler(timezone=timezone)
    for job in jobs:
        scheduler.add_job(
            run,
            CronTrigger(timezone=timezone, **job.cron),
            args=[job],
            id=job.name,
            name=job.name,
            coalesce=True,  # after a pause, once, not once per missed time
            max_instances=1,  # never two of the same job at once
            misfire_grace_time=300,
        )
    return scheduler
