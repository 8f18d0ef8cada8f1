import factory

from policies.models import Policy, PolicySection, PolicyVersion


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy
        django_get_or_create = ("title",)

    title = factory.Sequence(lambda n: f"Professional boundaries {n}")


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    """A draft; publish it with policies.services.policy_version_publish, as production does."""

    class Meta:
        model = PolicyVersion

    policy = factory.SubFactory(PolicyFactory)
    label = factory.Sequence(lambda n: f"1.{n}")
    body = "1. Scope\n1.1 Staff keep professional boundaries.\n"


class PolicySectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicySection

    version = factory.SubFactory(PolicyVersionFactory)
    number = factory.Sequence(lambda n: f"1.{n + 1}")
    heading = ""
    text = "Staff must not accept gifts from service users."
    order = factory.Sequence(int)
    anchor = factory.LazyAttribute(lambda s: "s-" + s.number.replace(".", "-"))


GIFTS_V1 = """1. Gifts

1.1 Staff should not give or accept gifts from service users.

1.2 Staff must not borrow money from service users.

2. Contact outside work

2.1 Staff must not give service users their personal contact details.
"""

GIFTS_V2 = """1. Gifts

1.1 Staff must not give or accept gifts or cash from service users.

1.2 Staff must not borrow money from service users.

3. Social media

3.1 Staff must not befriend service users on social media.
"""


def import_and_publish(*, title="Gifts and contact", source=GIFTS_V1, label="1.0", actor=None, **kwargs):
    """A published version built through the services (import, then publish)."""
    from policies.services import policy_version_import, policy_version_publish

    version = policy_version_import(title=title, source=source, label=label, actor=actor, **kwargs).version
    policy_version_publish(version=version, actor=actor)
    version.refresh_from_db()
    return version
