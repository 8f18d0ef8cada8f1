"""Once a policy version is published its text never changes: a change is a new version (DESIGN §3
"policies", docs/policies.md). The services refuse it and the admin shows such versions
read-only; on PostgreSQL these triggers refuse it too, whoever asks:

- policies_policyversion: no change to policy, label or body once the version is not a draft; the
  status only moves forward (draft → active → superseded); only drafts may be deleted.
- policies_policysection: no insert, update or delete of a section whose version is not a draft.

SQLite (the embedded first-run database) gets no trigger, as with the audit table.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION policies_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'a published policy version cannot be deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (NEW.body IS DISTINCT FROM OLD.body OR NEW.label IS DISTINCT FROM OLD.label
                                  OR NEW.policy_id IS DISTINCT FROM OLD.policy_id) THEN
        RAISE EXCEPTION 'the text of a published policy version cannot be changed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (OLD.status = 'active' AND NEW.status = 'draft')
       OR (OLD.status = 'superseded' AND NEW.status <> 'superseded') THEN
        RAISE EXCEPTION 'a policy version cannot go back from % to %', OLD.status, NEW.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER policies_policyversion_guard
    BEFORE UPDATE OR DELETE ON policies_policyversion
    FOR EACH ROW EXECUTE FUNCTION policies_version_guard();

CREATE OR REPLACE FUNCTION policies_section_guard() RETURNS trigger AS $$
DECLARE
    version_status varchar;
BEGIN
    SELECT status INTO version_status FROM policies_policyversion
        WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.version_id ELSE NEW.version_id END);
    IF version_status IS NOT NULL AND version_status <> 'draft' THEN
        RAISE EXCEPTION 'sections of a published policy version cannot be changed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.version_id <> NEW.version_id THEN
        RAISE EXCEPTION 'a section cannot move to another version' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER policies_policysection_guard
    BEFORE INSERT OR UPDATE OR DELETE ON policies_policysection
    FOR EACH ROW EXECUTE FUNCTION policies_section_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS policies_policysection_guard ON policies_policysection;
DROP FUNCTION IF EXISTS policies_section_guard();
DROP TRIGGER IF EXISTS policies_policyversion_guard ON policies_policyversion;
DROP FUNCTION IF EXISTS policies_version_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_library")]

    operations = [migrations.RunPython(forward, backward)]
