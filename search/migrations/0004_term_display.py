from django.db import migrations, models

# Terms are kept without accents from search.analysis VERSION 2 on. The vocabulary is
# derived data and is left as it is here: the documents' new fingerprints make
# ``search_index reconcile`` (the release step of every deploy) index everything again,
# which writes the new terms, and reconcile then forgets the terms no document uses.
# An earlier version of this migration emptied the table; a migrate back and forth then
# left it empty, since reconcile found nothing to re-index.


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
    ]
