"""``manage.py search_index rebuild|status|reconcile``.

* rebuild: build every document again and replace each index; an engine builds a new
  index and swaps its alias in one step, so searches never see a half-built index, then
  catches up (a reconcile) with what changed while it was building: an answer hidden or a
  page unpublished during the rebuild was written to the old index only.
* status: which backend answers, whether it is reachable, documents per language.
* reconcile: compare what should be indexed with what is, in each index, and fix the
  difference (after an outage, a task that gave up, or an upgrade that changed the text
  analysis), then forget the words no document uses any more. The release step of
  deploy/docker-compose.yml runs it on every deploy, and the scheduler every night.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import api
from search.documents import all_sources, documents_for
from search.tasks import backends


class Command(BaseCommand):
    help = "Rebuild, inspect or reconcile the search indexes."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status", "reconcile"])
        parser.add_argument(
            "--wait",
            type=int,
            default=0,
            metavar="SECONDS",
            help="wait up to this long for the search engine to answer (a deploy that "
            "starts it at the same time)",
        )

    def handle(self, *args, action, wait=0, **options):
        if wait:
            self._wait_for_engines(wait)
        getattr(self, action)()

    def _wait_for_engines(self, seconds: int) -> None:
        deadline = time.monotonic() + seconds
        for backend in backends():
            while not backend.ping() and time.monotonic() < deadline:
                time.sleep(1)

    def _documents(self, sources):
        with tqdm(total=len(sources), desc="  reading", file=self.stdout, leave=False) as bar:
            for source in sources:
                yield documents_for(source)
                bar.update()

    def rebuild(self):
        sources = all_sources()
        for backend in backends():
            self.stdout.write(f"Rebuilding the {backend.name} index from {len(sources)} sources")
            try:
                count = backend.rebuild(self._documents(sources))
            except api.BackendUnavailable as exc:
                raise CommandError(f"{backend.name} is unavailable: {exc}") from exc
            self.stdout.write(self.style.SUCCESS(f"  {count} documents in {backend.name}"))
            if backend.external:
                # The database rebuild is one transaction: writes during it wait, then
                # retry. An engine's new index missed them: compare and fix.
                self.stdout.write("Catching up with changes made during the rebuild")
                self._reconcile([backend])
        api.forget_status()

    def status(self):
        state = api.status()
        self.stdout.write(
            f"backend: {state['backend']} ({'reachable' if state['reachable'] else 'UNREACHABLE'})"
        )
        for backend in backends():
            try:
                counts = backend.counts()
            except api.BackendUnavailable as exc:
                self.stdout.write(f"  {backend.name}: unavailable ({exc})")
                continue
            listed = ", ".join(f"{lang}: {n}" for lang, n in sorted(counts.items())) or "empty"
            self.stdout.write(f"  {backend.name}: {listed}")

    def reconcile(self):
        self._reconcile(backends())

    def _reconcile(self, targets):
        should = {}
        for source, documents in zip(
            sources := all_sources(), self._documents(sources), strict=True
        ):
            if documents:
                should[source] = "|".join(sorted(f"{d.key}:{d.fingerprint}" for d in documents))
        for backend in targets:
            try:
                actual = backend.sources()
            except api.BackendUnavailable as exc:
                raise CommandError(f"{backend.name} is unavailable: {exc}") from exc
            stale = [s for s, digest in should.items() if actual.get(s) != digest]
            extra = [s for s in actual if s not in should]
            for source in tqdm(stale, desc=f"  fixing {backend.name}", file=self.stdout):
                backend.replace_source(source, documents_for(source))
            for source in extra:
                backend.delete_source(source)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{backend.name}: {len(stale)} updated, {len(extra)} removed, "
                    f"{len(should) - len(stale)} already right"
                )
            )
            if backend.external:
                if removed := backend.remove_orphans():
                    self.stdout.write(f"  leftover indexes removed: {', '.join(removed)}")
            else:
                pruned = backend.prune_vocabulary()
                self.stdout.write(f"  {pruned} words no document uses any more forgotten")
