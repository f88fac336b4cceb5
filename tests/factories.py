"""factory_boy factories for every model. Later capabilities add theirs here."""

import hashlib

import factory
from django.contrib.auth import get_user_model

from organisations.choices import OrganisationKind, Role
from organisations.models import Membership, Officeholder, Organisation, Region
from oversight.models import Attachment, Notification

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Region {n}")
    name_cy = factory.Sequence(lambda n: f"Rhanbarth {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.Sequence(lambda n: f"Test University Health Board {n}")
    name_cy = factory.Sequence(lambda n: f"Bwrdd Iechyd Prifysgol Prawf {n}")
    short_name = factory.Sequence(lambda n: f"Test {n}")
    kind = OrganisationKind.HEALTH_BOARD
    statutory = True
    region = factory.SubFactory(RegionFactory)


class OfficeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officeholder

    organisation = factory.SubFactory(OrganisationFactory)
    role = "chief_executive"
    name = factory.Faker("name")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ORG_SUBMITTER


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Reminder {n}")
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A stored PDF. For uploads through the checks, use oversight.services.attachment_create."""

    class Meta:
        model = Attachment

    organisation = factory.SubFactory(OrganisationFactory)
    original_name = "evidence.pdf"
    content_type = "application/pdf"
    file = factory.django.FileField(filename="evidence.pdf", data=b"%PDF-1.4\n%test\n")
    size = 15
    sha256 = factory.LazyAttribute(lambda a: hashlib.sha256(b"%PDF-1.4\n%test\n").hexdigest())
    uploaded_by = factory.SubFactory(UserFactory)
