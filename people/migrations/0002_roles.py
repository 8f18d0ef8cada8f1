"""Create one group per role (DESIGN §1). Group names are core.roles.Role values, copied here
so the migration keeps working if the enum changes later."""

from django.db import migrations

ROLES = [
    "Worker",
    "Line manager",
    "Senior manager",
    "Safeguarding lead",
    "HR",
    "Speak-up guardian",
    "Committee member",
    "Auditor",
    "Administrator",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
