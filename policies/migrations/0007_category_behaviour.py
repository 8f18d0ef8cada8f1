"""How cases in a category behave becomes data on the category (it was a list of codes in the case and
disclosure code): relationships, restriction to the parties, a second person's sign-off, extra questions."""

from django.db import migrations, models

RELATIONSHIPS = ["prior-relationship", "related-to-service-user", "friendship", "relationship-between-workers",
                 "former-service-user"]  # fmt: skip
# seed 002 §10.4: a close personal relationship between workers is kept to the people in it.
RESTRICTED = ["relationship-between-workers"]
# Sexual boundaries are always a matter for a second person before closure (seed 002 §6.3.1, seed 001).
SIGN_OFF = ["sexual-boundaries"]
QUESTIONS = {
    "gifts-money": "gift",
    "prior-relationship": "relationship",
    "related-to-service-user": "relationship",
    "friendship": "relationship",
    "relationship-between-workers": "relationship",
    "former-service-user": "relationship",
    "social-media": "social_media",
    "variation-request": "variation",
}


def forwards(apps, schema_editor):
    Category = apps.get_model("policies", "BoundaryCategory")
    Category.objects.filter(code__in=RELATIONSHIPS).update(is_relationship=True)
    Category.objects.filter(code__in=RESTRICTED).update(restricted_to_parties=True)
    Category.objects.filter(code__in=SIGN_OFF).update(needs_sign_off=True)
    for code, questions in QUESTIONS.items():
        Category.objects.filter(code=code).update(questions=questions)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0006_review_reminder_folded_into_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="boundarycategory",
            name="is_relationship",
            field=models.BooleanField(
                default=False,
                help_text="A self-declaration in this category is about a relationship: the people named in it are parties to it, and it goes into the relationships register.",
                verbose_name="about a relationship",
            ),
        ),
        migrations.AddField(
            model_name="boundarycategory",
            name="needs_sign_off",
            field=models.BooleanField(
                default=False,
                help_text="Closing a case in this category needs a senior manager or safeguarding lead to sign off.",
                verbose_name="closure needs a second person",
            ),
        ),
        migrations.AddField(
            model_name="boundarycategory",
            name="questions",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "None"),
                    ("gift", "The gift or offer"),
                    ("relationship", "The relationship"),
                    ("social_media", "Social media"),
                    ("variation", "The planned activity"),
                ],
                default="",
                help_text="The extra questions a worker answers when choosing this category.",
                max_length=20,
                verbose_name="extra questions on the form",
            ),
        ),
        migrations.AddField(
            model_name="boundarycategory",
            name="restricted_to_parties",
            field=models.BooleanField(
                default=False,
                help_text="Cases are seen only by the people in them and their reviewer (seed 002 §10.4).",
                verbose_name="kept to the people in it",
            ),
        ),
        migrations.AddField(
            model_name="historicalboundarycategory",
            name="is_relationship",
            field=models.BooleanField(
                default=False,
                help_text="A self-declaration in this category is about a relationship: the people named in it are parties to it, and it goes into the relationships register.",
                verbose_name="about a relationship",
            ),
        ),
        migrations.AddField(
            model_name="historicalboundarycategory",
            name="needs_sign_off",
            field=models.BooleanField(
                default=False,
                help_text="Closing a case in this category needs a senior manager or safeguarding lead to sign off.",
                verbose_name="closure needs a second person",
            ),
        ),
        migrations.AddField(
            model_name="historicalboundarycategory",
            name="questions",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "None"),
                    ("gift", "The gift or offer"),
                    ("relationship", "The relationship"),
                    ("social_media", "Social media"),
                    ("variation", "The planned activity"),
                ],
                default="",
                help_text="The extra questions a worker answers when choosing this category.",
                max_length=20,
                verbose_name="extra questions on the form",
            ),
        ),
        migrations.AddField(
            model_name="historicalboundarycategory",
            name="restricted_to_parties",
            field=models.BooleanField(
                default=False,
                help_text="Cases are seen only by the people in them and their reviewer (seed 002 §10.4).",
                verbose_name="kept to the people in it",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
