"""Schedule the daily case reminders (cases.tasks.cases_daily_reminders_send) with celery beat's
database scheduler: 07:00 Europe/London every day (docs/cases.md "Reminders").

The digest also counts policies due for review for administrators, so the separate policy review
reminder that policies migration 0005 scheduled is switched off here: one e-mail per person a day.
Reversing this migration switches it back on.
"""

from django.db import migrations

TASK_NAME = "cases: daily reminders and digest"
TASK = "cases.tasks.cases_daily_reminders_send"
POLICY_REMINDER = "policies: policy review reminders"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    seven_am, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME, defaults={"task": TASK, "crontab": seven_am, "interval": None, "enabled": True}
    )
    PeriodicTask.objects.filter(name=POLICY_REMINDER).update(enabled=False)


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    PeriodicTask.objects.filter(name=POLICY_REMINDER).update(enabled=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_matrix_and_action_library"),
        ("policies", "0005_review_reminder_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
