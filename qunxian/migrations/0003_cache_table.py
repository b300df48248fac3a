"""The table of the default cache when REDIS_URL is unset (see settings.CACHES).

Made whatever the settings say, so that a deployment that drops Redis later
finds it there; it stays empty while Redis is used.
"""

from django.core.management.commands.createcachetable import Command
from django.db import migrations

CACHE_TABLE = "qunxian_cache"


def create_cache_table(apps, schema_editor):
    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE {schema_editor.connection.ops.quote_name(CACHE_TABLE)}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("qunxian", "0002_notification"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table, elidable=False),
    ]
