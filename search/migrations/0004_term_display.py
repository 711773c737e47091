from django.db import migrations, models


def forget_vocabulary(apps, schema_editor):
    # Terms are now kept without accents (search.analysis VERSION 2). The vocabulary is
    # derived data: the documents' new fingerprints make ``search_index reconcile`` (run on
    # every deploy) re-index everything, which writes it again.
    apps.get_model("search", "SearchTerm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_suggest_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchterm",
            name="display",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(forget_vocabulary, migrations.RunPython.noop),
    ]
