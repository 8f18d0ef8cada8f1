"""The part each person named in a disclosure plays in its case, as data on the category (seed 002 §7;
seed 001 "Sexualised behaviour"; seed 000 §4.1–4.2, §5.7–5.8)."""

from django.db import migrations, models

RELATIONSHIPS = ["prior-relationship", "related-to-service-user", "friendship", "relationship-between-workers",
                 "former-service-user"]  # fmt: skip
# seed 001 "Sexualised behaviour": a service user or carer behaving in a sexualised way towards a worker;
# the worker (and any colleague named) is harmed, the service user or carer is the person concerned.
SEXUALISED = "service-user-sexualised-behaviour"
# seed 000 §5.7–5.8: a variation request is a plan put forward for agreement, not conduct in question.
VARIATION = "variation-request"


def forwards(apps, schema_editor):
    Category = apps.get_model("policies", "BoundaryCategory")
    Category.objects.filter(code__in=RELATIONSHIPS).update(
        worker_part="party", service_user_part="party", relative_part="party", colleague_part="party"
    )
    Category.objects.filter(code=SEXUALISED).update(
        worker_part="harmed", service_user_part="concerned", relative_part="concerned", colleague_part="harmed"
    )
    Category.objects.filter(code=VARIATION).update(worker_part="raised")


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0007_category_behaviour"),
    ]

    operations = [
        migrations.AddField(
            model_name="boundarycategory",
            name="colleague_part",
            field=models.CharField(
                choices=[
                    ("raised", "Raised it"),
                    ("concerned", "Person concerned"),
                    ("harmed", "Harmed or affected"),
                    ("service_user", "Service user involved"),
                    ("relative", "Carer or relative involved"),
                    ("colleague", "Colleague involved"),
                    ("giver", "Gave or offered a gift"),
                    ("party", "Party to the relationship"),
                ],
                default="colleague",
                help_text="In a self-declaration or incident (in a concern, the colleagues named are concerned).",
                max_length=20,
                verbose_name="part of the colleagues named",
            ),
        ),
        migrations.AddField(
            model_name="boundarycategory",
            name="relative_part",
            field=models.CharField(
                choices=[
                    ("raised", "Raised it"),
                    ("concerned", "Person concerned"),
                    ("harmed", "Harmed or affected"),
                    ("service_user", "Service user involved"),
                    ("relative", "Carer or relative involved"),
                    ("colleague", "Colleague involved"),
                    ("giver", "Gave or offered a gift"),
                    ("party", "Party to the relationship"),
                ],
                default="relative",
                help_text="A gift from a carer or relative makes them the giver whatever this says.",
                max_length=20,
                verbose_name="part of the carers or relatives named",
            ),
        ),
        migrations.AddField(
            model_name="boundarycategory",
            name="service_user_part",
            field=models.CharField(
                choices=[
                    ("raised", "Raised it"),
                    ("concerned", "Person concerned"),
                    ("harmed", "Harmed or affected"),
                    ("service_user", "Service user involved"),
                    ("relative", "Carer or relative involved"),
                    ("colleague", "Colleague involved"),
                    ("giver", "Gave or offered a gift"),
                    ("party", "Party to the relationship"),
                ],
                default="service_user",
                help_text="A gift from a service user makes them the giver whatever this says.",
                max_length=20,
                verbose_name="part of the service users named",
            ),
        ),
        migrations.AddField(
            model_name="boundarycategory",
            name="worker_part",
            field=models.CharField(
                choices=[
                    ("raised", "Raised it"),
                    ("concerned", "Person concerned"),
                    ("harmed", "Harmed or affected"),
                    ("service_user", "Service user involved"),
                    ("relative", "Carer or relative involved"),
                    ("colleague", "Colleague involved"),
                    ("giver", "Gave or offered a gift"),
                    ("party", "Party to the relationship"),
                ],
                default="concerned",
                help_text="In a self-declaration or incident: the part the worker filing it plays.",
                max_length=20,
                verbose_name="part of the worker who tells us",
            ),
        ),
        migrations.AddField(
            model_name="historicalboundarycategory",
            name="colleague_part",
            field=models.CharField(
                choices=[
                    ("raised", "Raised it"),
                    ("concerned", "Person concerned"),
                    ("harmed", "Harmed or affected"),
                    ("service_user", "Service user involved"),
                    ("relative", "Carer or relative involved"),
                    ("colleague", "Colleague involved"),
                    ("giver", "Gave or offered a gift"),
                    ("party", "Party to the relationship"),
                ],
                default="colleague",
                help_text="In a self-declaration or incident (in a concern, the colleagues named are concerned).",
                max_length=20,
                verbose_name="part of the colleagues named",
            ),
        ),
        migrations.AddField(
            model_name="historicalboundarycategory",
            name="relative_part",
            field=models.CharField(
                choices=[
                    ("raised", "Raised it"),
                    ("concerned", "Person concerned"),
                    ("harmed", "Harmed or affected"),
                    ("service_user", "Service user involved"),
                    ("relative", "Carer or relative involved"),
                    ("colleague", "Colleague involved"),
                    ("giver", "Gave or offered a gift"),
                    ("party", "Party to the relationship"),
                ],
                default="relative",
                help_text="A gift from a carer or relative makes them the giver whatever this says.",
                max_length=20,
                verbose_name="part of the carers or relatives named",
            ),
        ),
        migrations.AddField(
            model_name="historicalboundarycategory",
            name="service_user_part",
            field=models.CharField(
                choices=[
                    ("raised", "Raised it"),
                    ("concerned", "Person concerned"),
                    ("harmed", "Harmed or affected"),
                    ("service_user", "Service user involved"),
                    ("relative", "Carer or relative involved"),
                    ("colleague", "Colleague involved"),
                    ("giver", "Gave or offered a gift"),
                    ("party", "Party to the relationship"),
                ],
                default="service_user",
                help_text="A gift from a service user makes them the giver whatever this says.",
                max_length=20,
                verbose_name="part of the service users named",
            ),
        ),
        migrations.AddField(
            model_name="historicalboundarycategory",
            name="worker_part",
            field=models.CharField(
                choices=[
                    ("raised", "Raised it"),
                    ("concerned", "Person concerned"),
                    ("harmed", "Harmed or affected"),
                    ("service_user", "Service user involved"),
                    ("relative", "Carer or relative involved"),
                    ("colleague", "Colleague involved"),
                    ("giver", "Gave or offered a gift"),
                    ("party", "Party to the relationship"),
                ],
                default="concerned",
                help_text="In a self-declaration or incident: the part the worker filing it plays.",
                max_length=20,
                verbose_name="part of the worker who tells us",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
