"""The table of the "usage" cache when REDIS_URL is unset (settings.CACHES):
the day's venue view marks until `flush_view_counts` counts them.

Made whatever the settings say, as qunxian 0003 makes the default cache's.
"""

from django.core.management.commands.createcachetable import Command
from django.db import migrations

USAGE_TABLE = "qunxian_usage"


def create_usage_table(apps, schema_editor):
    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, USAGE_TABLE, dry_run=False)


def drop_usage_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE {schema_editor.connection.ops.quote_name(USAGE_TABLE)}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("venues", "0010_space_members_only"),
    ]

    operations = [
        migrations.RunPython(create_usage_table, drop_usage_table, elidable=False),
    ]
