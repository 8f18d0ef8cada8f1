"""The separate policy review reminder is gone: the daily digest (cases migration 0004,
cases.services.digest_queue) tells administrators how many policies are due for review, one e-mail a
person a day. Its schedule and its one-a-day bookkeeping table go with it."""

from django.db import migrations

POLICY_REMINDER = "policies: policy review reminders"


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=POLICY_REMINDER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0005_review_reminder_schedule"),
        ("cases", "0004_daily_reminder_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(unschedule, migrations.RunPython.noop),
        migrations.DeleteModel(name="PolicyReviewReminder"),
    ]
