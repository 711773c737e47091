"""Demo step for search: make sure every demo page and thread is in the index (pages
published by the earlier demo steps were indexed as they went; this catches the rest)."""

from django.core.management import call_command


def load(command) -> None:
    call_command("search_index", "reconcile", stdout=command.stdout)
