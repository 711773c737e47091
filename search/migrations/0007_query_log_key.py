"""The query log gets the key its reports group by (``search.analysis.log_key``), filled
in for the searches logged before."""

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    from search.analysis import log_key

    QueryLog = apps.get_model("search", "QueryLog")
    changed = []
    for entry in QueryLog.objects.only("query", "language").iterator(chunk_size=1000):
        entry.key = log_key(entry.query, entry.language)
        changed.append(entry)
        if len(changed) == 1000:
            QueryLog.objects.bulk_update(changed, ["key"])
            changed = []
    QueryLog.objects.bulk_update(changed, ["key"])


class Migration(migrations.Migration):
    dependencies = [("search", "0006_filter_terms")]

    operations = [
        migrations.AddField(
            model_name="querylog",
            name="key",
            field=models.CharField(db_index=True, default="", max_length=200),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
