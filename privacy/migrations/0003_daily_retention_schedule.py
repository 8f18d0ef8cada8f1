"""Schedule the daily retention job (privacy.tasks.retention_run_daily) with celery beat's database
scheduler: 02:30 Europe/London every day, when nobody is working (docs/retention.md "The daily job")."""

from django.db import migrations

TASK_NAME = "privacy: daily retention"
TASK = "privacy.tasks.retention_run_daily"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    night, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME, defaults={"task": TASK, "crontab": night, "interval": None, "enabled": True}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_seed_retention_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
