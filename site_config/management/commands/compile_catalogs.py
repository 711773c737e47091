from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile the project's .po catalogs to .mo in pure Python, so a bare machine needs "
        "no GNU gettext. Recompiles only catalogs newer than their .mo file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recompile every catalog.")

    def handle(self, *args, force=False, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if (
                    not force
                    and mo_path.exists()
                    and mo_path.stat().st_mtime >= po_path.stat().st_mtime
                ):
                    continue
                try:
                    catalog = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                catalog.save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
        self.stdout.write(self.style.SUCCESS(f"{compiled} catalog(s) compiled"))
