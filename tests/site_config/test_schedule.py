"""The periodic jobs (site_config.schedule): every one names a command that exists, a failing
one is logged and never stops the others, and the scheduler really runs them."""

import threading

import pytest
from django.core.management import call_command, get_commands

from site_config import schedule


def test_every_job_runs_a_command_that_exists():
    commands = get_commands()
    for job in schedule.JOBS:
        assert job.command[0] in commands, job
        assert job.why


def test_the_jobs_the_site_needs_are_scheduled():
    names = {job.name for job in schedule.JOBS}
    assert {
        "publish_scheduled",
        "flush_views",
        "support_due_warnings",
        "clear_sessions",
        "support_retention",
        "search_reconcile",
    } <= names


@pytest.mark.django_db
def test_a_job_runs_once_on_request():
    with pytest.raises(SystemExit) as done:
        call_command("run_scheduler", "--once", "flush_views")
    assert done.value.code == 0


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_does_not_raise(caplog):
    job = schedule.Job("broken", ("no_such_command",), {"minute": "*"}, "a test")
    assert schedule.run(job) is False
    assert "Scheduled job broken failed" in caplog.text


def test_each_job_runs_alone_and_once_after_a_pause():
    scheduler = schedule.scheduler(timezone="Europe/Istanbul")
    jobs = scheduler.get_jobs()
    assert [job.id for job in jobs] == [job.name for job in schedule.JOBS]
    for job in jobs:
        assert job.max_instances == 1 and job.coalesce is True


def test_the_scheduler_runs_its_jobs_on_time():
    ran = threading.Event()
    tick = schedule.Job("tick", ("check",), {"second": "*"}, "a test")
    original = schedule.run

    def run(job):
        result = original(job)
        ran.set()
        return result

    schedule.run = run
    scheduler = schedule.scheduler([tick], timezone="UTC")
    thread = threading.Thread(target=scheduler.start, daemon=True)
    try:
        thread.start()
        assert ran.wait(timeout=10), "the job did not run within 10 s"
    finally:
        schedule.run = original
        scheduler.shutdown(wait=False)
        thread.join(timeout=10)
