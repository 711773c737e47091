"""Policy versions keep their sections as plain text, as readers saw them. Versions
recorded before kept character references as they were in the rich text ("don&#x27;t"),
which the public comparison then showed escaped a second time; they are read as text
here, once."""

import html

from django.db import migrations


def unescape_sections(apps, schema_editor):
    PolicyVersion = apps.get_model("kb", "PolicyVersion")
    for version in PolicyVersion.objects.only("sections").iterator(chunk_size=200):
        sections = [
            {**section, "text": html.unescape(section.get("text", ""))}
            for section in version.sections
        ]
        if sections != version.sections:
            version.sections = sections
            version.save(update_fields=["sections"])


class Migration(migrations.Migration):
    dependencies = [("kb", "0002_knowledge_base")]

    operations = [migrations.RunPython(unescape_sections, migrations.RunPython.noop)]
