import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from people.models import CarerOrRelative, Relationship, ServiceUser, StaffMember, Team

DEFAULT_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[Role.HR, ...]) puts the user in those role groups."""
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=str(role)) for role in extracted))
        if create:
            self.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    service_area = Team.ServiceArea.COMMUNITY


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory)
    staff_number = factory.Sequence(lambda n: f"S{n:05d}")
    job_title = "Support worker"
    team = factory.SubFactory(TeamFactory)
    start_date = datetime.date(2020, 1, 6)


class ServiceUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUser

    reference = factory.Sequence(lambda n: f"SU-{n:05d}")
    initials = factory.Iterator(["AB", "CD", "JK", "MT", "RS"])
    team = factory.SubFactory(TeamFactory)


class CarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarerOrRelative

    service_user = factory.SubFactory(ServiceUserFactory)
    initials = "PQ"
    relationship_to_service_user = "mother"


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    staff = factory.SubFactory(StaffMemberFactory)
    counterpart = Relationship.Counterpart.SERVICE_USER
    service_user = factory.SubFactory(ServiceUserFactory)
    kind = Relationship.Kind.FRIEND
    began = Relationship.Began.BEFORE
