import bookings.models
from django.db import migrations, models


def give_codes(apps, schema_editor):
    """Every sign-up so far gets its own code, as new ones do."""
    SignUp = apps.get_model("activities", "SignUp")
    used = set()
    for signup in SignUp.objects.only("pk").iterator():
        code = bookings.models.new_check_in_code()
        while code in used:
            code = bookings.models.new_check_in_code()
        used.add(code)
        SignUp.objects.filter(pk=signup.pk).update(check_in_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_event_base"),
    ]

    operations = [
        # Null first: one default for every existing row would not be unique.
        migrations.AddField(
            model_name="signup",
            name="check_in_code",
            field=models.CharField(
                max_length=8, null=True, verbose_name="check-in code"
            ),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="signup",
            name="check_in_code",
            field=models.CharField(
                default=bookings.models.new_check_in_code,
                max_length=8,
                unique=True,
                verbose_name="check-in code",
            ),
        ),
    ]
