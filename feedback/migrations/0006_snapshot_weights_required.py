import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0005_index_weights_priors_and_handling"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indexsnapshot",
            name="weights",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="snapshots",
                to="feedback.indexweights",
            ),
        ),
    ]
