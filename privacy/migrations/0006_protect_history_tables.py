"""Every history table made since the audit app protected them (the role grants, the rules table,
the retention schedule and holds, data subjects' requests, processing restrictions) joins them as append-only (DI-05, DI-06).

It lives in the top-most domain app so that it runs after every app's latest migration; a new
history table anywhere needs a migration like it (tests/test_append_only.py fails otherwise).
"""

from django.db import migrations

from audit.append_only import protect_history_tables


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_grants_need_a_second_person"),
        ("audit", "0006_chain_schedule"),
        ("cases", "0011_queue_visibility_and_report_indexes"),
        ("disclosures", "0002_confidential_disclosures"),
        ("notifications", "0007_every_template"),
        ("people", "0003_restriction_and_correction_notes"),
        ("policies", "0011_help_texts_without_internal_references"),
        ("privacy", "0005_retention_of_rights_requests"),
        ("reporting", "0004_report_files_in_private_storage"),
    ]

    operations = [migrations.RunPython(protect_history_tables, migrations.RunPython.noop)]
