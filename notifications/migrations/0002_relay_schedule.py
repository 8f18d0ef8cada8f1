"""Schedule the outbox relay every minute with celery beat's database scheduler.

The relay publishes pending messages again; it is how an e-mail written while Redis was
down goes out once Redis is back (JR-01, docs/notifications.md).
"""

from django.db import migrations

RELAY_NAME = "notifications: relay pending outbox messages"
RELAY_TASK = "notifications.tasks.outbox_relay_pending"


def schedule_relay(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=RELAY_NAME,
        defaults={"task": RELAY_TASK, "interval": every_minute, "enabled": True},
    )


def unschedule_relay(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=RELAY_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_relay, unschedule_relay)]
