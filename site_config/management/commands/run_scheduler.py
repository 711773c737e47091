from django.conf import settings
from django.core.management.base import BaseCommand

from site_config import schedule


class Command(BaseCommand):
    help = (
        "Run the site's periodic jobs (site_config/schedule.py) until stopped. --list shows "
        "them with their next run; --once NAME runs one now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")
        parser.add_argument("--once", metavar="NAME", help="Run the job NAME once and stop.")

    def handle(self, *args, list=False, once=None, **options):
        jobs = {job.name: job for job in schedule.JOBS}
        if once:
            if once not in jobs:
                self.stderr.write(f"No job {once!r}; there are: {', '.join(jobs)}")
                raise SystemExit(2)
            raise SystemExit(0 if schedule.run(jobs[once]) else 1)
        scheduler = schedule.scheduler(timezone=settings.TIME_ZONE)
        if list:
            from datetime import datetime
            from zoneinfo import ZoneInfo

            now = datetime.now(ZoneInfo(settings.TIME_ZONE))
            for job in scheduler.get_jobs():
                upcoming = job.trigger.get_next_fire_time(None, now)
                self.stdout.write(
                    f"{job.name:22} next {upcoming:%Y-%m-%d %H:%M %Z}  {job.args[0].why}"
                )
            return
        self.stdout.write(f"Scheduler running {len(jobs)} jobs ({settings.TIME_ZONE}).")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
