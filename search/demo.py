"""Demo step for search: the editors' synonyms of ``demo_content/synonyms.json``, then make
sure every demo page and thread is in the index (pages published by the earlier demo steps
were indexed as they went; this catches the rest)."""

import json
from pathlib import Path

from django.core.management import call_command

from search.models import Synonym

SYNONYMS = Path(__file__).parent / "demo_content" / "synonyms.json"


def load(command) -> None:
    sets = json.loads(SYNONYMS.read_text(encoding="utf-8"))
    added = 0
    for language in ("en", "tr", "de"):
        for terms in sets[language]:
            _synonym, created = Synonym.objects.get_or_create(language=language, terms=terms)
            added += created
    command.stdout.write(f"search synonyms: {added} added")
    call_command("search_index", "reconcile", stdout=command.stdout)
