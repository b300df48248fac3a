import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from qunxian.models import User
from qunxian.roles import SYSTEM_ADMIN_GROUP
from venues.models import (
    Closure,
    Facility,
    OpeningHours,
    Organization,
    Space,
    Town,
    Venue,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)


class AdminFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        group, _ = Group.objects.get_or_create(name=SYSTEM_ADMIN_GROUP)
        self.groups.add(group)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = "普陀区总工会"
    kind = Organization.Kind.UNION


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ["name"]

    name = "沈家门街道"
    lat = 29.952
    lng = 122.300


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ["code"]

    code = "water"
    name = "饮用水"
    icon = "water"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"测试职工之家{n:04d}")
    organization = factory.SubFactory(OrganizationFactory)
    category = Venue.Category.WORKERS_HOME
    town = factory.SubFactory(TownFactory)
    address = factory.Sequence(lambda n: f"沈家门街道测试路{n}号")
    lat = 29.952
    lng = 122.300


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"活动室{n}")
    capacity = 20


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    venue = factory.SubFactory(VenueFactory)
    weekday = 0
    opens = datetime.time(9)
    closes = datetime.time(17)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    venue = factory.SubFactory(VenueFactory)
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.SelfAttribute("start_date")
    reason = "设备检修"


def bookable_space(*, capacity=10, exclusive=False, **rules):
    """A space in a bookable venue open 08:00–22:00 every day."""
    from bookings.models import SpaceRules

    venue = VenueFactory(is_bookable=True)
    for weekday in range(7):
        OpeningHoursFactory(
            venue=venue,
            weekday=weekday,
            opens=datetime.time(8),
            closes=datetime.time(22),
        )
    space = SpaceFactory(venue=venue, capacity=capacity, is_exclusive=exclusive)
    SpaceRules.objects.create(space=space, **rules)
    return space


class VenuePhotoFactory(factory.django.DjangoModelFactory):
    """Writes small real JPEG files into MEDIA_ROOT (a tmp dir under pytest)."""

    class Meta:
        model = "venues.VenuePhoto"

    venue = factory.SubFactory(VenueFactory)
    image = factory.django.ImageField(width=64, height=48, format="JPEG")
    thumbnail = factory.django.ImageField(width=32, height=24, format="JPEG")
    width = 64
    height = 48
    position = factory.Sequence(int)


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking row as-is; services make real ones (this one holds no seats)."""

    class Meta:
        model = "bookings.Booking"

    user = factory.SubFactory(UserFactory)
    space = factory.SubFactory(SpaceFactory)
    start = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    )
    end = factory.LazyAttribute(lambda b: b.start + datetime.timedelta(hours=1))
    headcount = 1
    seats = 1
    purpose = "班组学习"
    contact_phone = "13900000000"


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review row as-is: it leaves the venue's rating fields alone."""

    class Meta:
        model = "feedback.Review"

    user = factory.SubFactory(UserFactory)
    venue = factory.SubFactory(VenueFactory)
    rating = 5
    text = "环境整洁，热水方便。"


class ReviewPhotoFactory(factory.django.DjangoModelFactory):
    """Writes small real JPEG files into PRIVATE_MEDIA_ROOT (a tmp dir)."""

    class Meta:
        model = "feedback.ReviewPhoto"

    review = factory.SubFactory(ReviewFactory)
    image = factory.django.ImageField(width=64, height=48, format="JPEG")
    thumbnail = factory.django.ImageField(width=32, height=24, format="JPEG")
    width = 64
    height = 48


class AppealFactory(factory.django.DjangoModelFactory):
    """A submitted appeal with the default deadlines, without its first event."""

    class Meta:
        model = "feedback.Appeal"

    user = factory.SubFactory(UserFactory)
    venue = factory.SubFactory(VenueFactory)
    kind = "suggestion"
    text = "建议增加一台微波炉。"
    accept_due = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=2)
    )
    resolve_due = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=7)
    )

    class Params:
        with_photo = factory.Trait(
            photo=factory.django.ImageField(width=64, height=48, format="JPEG"),
            photo_thumbnail=factory.django.ImageField(
                width=32, height=24, format="JPEG"
            ),
        )


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class NoticeFactory(factory.django.DjangoModelFactory):
    """A published notice row as-is: the body is taken as already sanitised."""

    class Meta:
        model = "notices.Notice"

    kind = "notice"
    title = factory.Sequence(lambda n: f"关于开展职工疗休养活动的通知{n}")
    body = "<p>请各基层工会做好报名工作。</p>"
    body_text = "请各基层工会做好报名工作。"
    venue = None
    organization = factory.LazyAttribute(
        lambda n: n.venue.organization if n.venue else OrganizationFactory()
    )
    published_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(hours=1)
    )

    class Params:
        with_pdf = factory.Trait(
            attachment=factory.django.FileField(
                filename="0123456789abcdef.pdf", data=MINIMAL_PDF
            ),
            attachment_name="通知原文.pdf",
        )
