from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Cast, Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues import hours

LAT_BANDS_PER_DEGREE = 100  # Venue.lat_band: bands of about 1.1 km


class Organization(models.Model):
    class Kind(models.TextChoices):
        UNION = "union", _("Trade union")
        YOUTH = "youth", _("Youth league")
        WOMEN = "women", _("Women's federation")
        SCIENCE = "science", _("Science association")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Its own console: they see and run only this organisation's venues.
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_organizations",
        verbose_name=_("organisation admins"),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Town(models.Model):
    """A street (街道) or town (镇) of the district."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("street or town")
        verbose_name_plural = _("streets and towns")

    def __str__(self):
        return self.name


#: The names of the facilities the product ships, by code, from the catalogues;
#: a facility added later shows its `name` as typed.
FACILITY_LABELS = {
    "aed": _("AED defibrillator"),
    "water": _("Drinking water"),
    "microwave": _("Microwave"),
    "charging": _("Phone charging"),
    "fridge": _("Fridge"),
    "books": _("Books"),
    "restroom": _("Toilets"),
    "first_aid": _("First-aid kit"),
    "wifi": _("Wi-Fi"),
    "air_conditioning": _("Air conditioning"),
    "seating": _("Seats to rest"),
    "step_free": _("Step-free access"),
}


class Facility(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=40)
    icon = models.CharField(
        _("icon"), max_length=30, help_text=_("Name of the icon in the sprite.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return FACILITY_LABELS.get(self.code, self.name)


class VenueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Venue.Status.ACTIVE)

    def managed_by(self, user):
        return self.filter(managers=user)

    def administered_by(self, user):
        return self.filter(organization__admins=user)

    def open_at(self, moment):
        """Open at `moment`, by the rules of `venues.hours` and the holiday
        list, in SQL."""
        local = timezone.localtime(moment)
        now = local.time()
        yesterday = local.date() - timedelta(days=1)
        holidays = PublicHoliday.objects.between(yesterday, local.date())

        def ranges_of(day):
            """The opening hours a venue keeps on `day`."""
            holiday = holidays.get(day)
            if holiday is None:
                return Q(weekday=day.weekday())
            if holiday.kind == PublicHoliday.Kind.WORKDAY:
                return Q(weekday=holiday.works_as)
            return Q(
                weekday=OpeningHours.Weekday.SUNDAY,
                venue__holiday_hours=Venue.HolidayHours.SUNDAY,
            )

        today_q, yesterday_q = ranges_of(local.date()), ranges_of(yesterday)
        overnight = Q(closes__lte=F("opens"))
        covering = OpeningHours.objects.filter(venue=OuterRef("pk")).filter(
            (today_q & Q(opens__lte=now, closes__gt=now))
            | (overnight & today_q & Q(opens__lte=now))
            | (overnight & yesterday_q & Q(closes__gt=now))
        )
        closed = Closure.objects.whole_venue().filter(
            venue=OuterRef("pk"),
            start_date__lte=local.date(),
            end_date__gte=local.date(),
        )
        return self.filter(Exists(covering)).exclude(Exists(closed))


class Venue(models.Model):
    """A service venue (阵地) of an organisation.

    active ⇄ suspended: an administrator suspends it, with a reason, to take it
    off the user end, and reactivates it with another.
    """

    class Category(models.TextChoices):
        WORKERS_HOME = "workers_home", _("Workers' home")
        OUTDOOR_STATION = "outdoor_station", _("Outdoor workers' station")
        YOUTH_HOME = "youth_home", _("Youth home")
        WOMEN_CHILDREN_HOME = "women_children_home", _("Women and children's home")
        SCIENCE_SITE = "science_site", _("Science outreach site")
        OTHER = "other", _("Other service venue")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    class HolidayHours(models.TextChoices):
        CLOSED = "closed", _("Closed")
        SUNDAY = "sunday", _("Open with Sunday's hours")

    STATE_FIELD = "status"
    TRANSITIONS = {
        "suspend": ((Status.ACTIVE,), Status.SUSPENDED),
        "reactivate": ((Status.SUSPENDED,), Status.ACTIVE),
    }

    # What a venue's own managers may change, and what the console may: the
    # forms of the two ends show these and `venue_update` refuses anything else.
    MANAGER_FIELDS = (
        "phone",
        "address",
        "description",
        "lat",
        "lng",
        "is_bookable",
        "facilities",
    )
    CONSOLE_FIELDS = ("name", "organization", "category", "town", *MANAGER_FIELDS)

    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="venues",
        verbose_name=_("organisation"),
    )
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        related_name="venues",
        verbose_name=_("street or town"),
    )
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lng = models.FloatField(_("longitude (WGS-84)"))
    # The band of latitude the venue lies in: indexed before lng, a near-me
    # box reads only its own few bands rather than every venue at its latitude.
    lat_band = models.GeneratedField(
        expression=Cast(Floor(F("lat") * LAT_BANDS_PER_DEGREE), models.IntegerField()),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_bookable = models.BooleanField(
        _("takes bookings"),
        default=False,
        help_text=_("Off: walk-in only."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    holiday_hours = models.CharField(
        _("on public holidays"),
        max_length=10,
        choices=HolidayHours.choices,
        default=HolidayHours.CLOSED,
    )
    facilities = models.ManyToManyField(
        Facility, blank=True, related_name="venues", verbose_name=_("facilities")
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_venues",
        verbose_name=_("managers"),
    )
    # Kept current by the feedback app's services whenever a review changes.
    review_count = models.PositiveIntegerField(_("reviews"), default=0)
    review_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    good_review_count = models.PositiveIntegerField(_("4–5 star reviews"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        indexes = [
            # Near me filters published venues in a box: by band, then lng.
            models.Index(
                fields=["status", "lat_band", "lng", "lat"], name="venue_near_box"
            ),
            models.Index(fields=["status", "name", "id"], name="venue_status_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="venue_coordinates_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("venues:detail", args=[self.pk])

    @property
    def good_review_share(self):
        """Share of 4–5 star reviews, 0–100, or None before the first review."""
        if not self.review_count:
            return None
        return round(100 * self.good_review_count / self.review_count)

    def opening_state(self, moment, holidays=None) -> hours.OpenState:
        """Needs `hours` and `closures` prefetched, and `holidays` given (from
        `PublicHoliday.objects.around`), when called for many venues."""
        if holidays is None:
            holidays = PublicHoliday.objects.around(moment)
        return hours.opening_state(
            [hours.HoursRange(h.weekday, h.opens, h.closes) for h in self.hours.all()],
            [
                hours.Closure(c.start_date, c.end_date)
                for c in self.closures.all()
                if c.space_id is None and not c.is_timed
            ],
            moment,
            {day: holiday.weekday_for(self) for day, holiday in holidays.items()},
        )


def photo_path(photo, filename):
    return f"venues/{photo.venue_id}/{filename}"


class VenuePhoto(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    thumbnail = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or f"{self.venue} #{self.pk}"


class OpeningHours(models.Model):
    """One weekly range; `closes <= opens` runs past midnight (see hours.py)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        indexes = [models.Index(fields=["weekday", "opens", "closes"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_0_6"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosureQuerySet(models.QuerySet):
    def whole_venue(self):
        """Closures that close the whole venue all day: what "open now" reads."""
        return self.filter(space=None, start_time=None)


class Closure(models.Model):
    """Days (inclusive) on which a venue, or one of its spaces, is closed.

    With times, it closes only that time range of its one day: a slot that
    overlaps it is not offered. With a space, only that space is closed.
    """

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="closures")
    space = models.ForeignKey(
        "Space",
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        verbose_name=_("space"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (inclusive)"))
    start_time = models.TimeField(_("from (time)"), null=True, blank=True)
    end_time = models.TimeField(_("until (time)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="closure_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(start_time=None, end_time=None)
                | Q(
                    start_time__isnull=False,
                    end_time__gt=models.F("start_time"),
                    end_date=models.F("start_date"),
                ),
                name="closure_time_range_on_one_day",
            ),
        ]

    def __str__(self):
        where = f"{self.space} " if self.space_id else ""
        if self.start_time is not None:
            return (
                f"{where}{self.start_date} {self.start_time:%H:%M}–"
                f"{self.end_time:%H:%M} {self.reason}"
            )
        return f"{where}{self.start_date}–{self.end_date} {self.reason}"

    @property
    def is_timed(self) -> bool:
        return self.start_time is not None

    def closes_space(self, space_id: int) -> bool:
        return self.space_id is None or self.space_id == space_id


class SpaceQuerySet(models.QuerySet):
    def bookable(self):
        """Open for booking, in an active venue that takes bookings."""
        return self.filter(
            is_active=True,
            venue__status=Venue.Status.ACTIVE,
            venue__is_bookable=True,
        )


class Space(models.Model):
    """A bookable room or area in a venue."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="spaces")
    name = models.CharField(_("name"), max_length=60)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    is_exclusive = models.BooleanField(
        _("exclusive use"),
        default=False,
        help_text=_("On: one booking per slot. Off: shared until seats run out."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("open for booking"), default=True)
    # Checked by the bookings app through `qunxian.roles.is_union_member`.
    members_only = models.BooleanField(
        _("union members only"),
        default=False,
        help_text=_("On: only people with a valid union member card can book it."),
    )

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering = ["venue", "name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="space_capacity"),
            models.UniqueConstraint(fields=["venue", "name"], name="space_unique_name"),
        ]

    def __str__(self):
        return self.name


class VenueDailyStat(models.Model):
    """Counts per venue and day; no record of who looked."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="daily_stats"
    )
    date = models.DateField()
    views = models.PositiveIntegerField(default=0)
    navigations = models.PositiveIntegerField(default=0)
    # People checked in at the venue's activities (kept by the activities app).
    activity_attendance = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["venue", "date"], name="stat_venue_date"),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.venue_id} {self.date}"


class VenueHourlyViews(models.Model):
    """Distinct visitors per venue, day and the hour of each one's first view
    of the venue that day (local time); no record of who looked. A day's hours
    add up to its `VenueDailyStat.views` (`venues/usage.py`)."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="hourly_views"
    )
    date = models.DateField()
    hour = models.PositiveSmallIntegerField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "date", "hour"], name="hourly_views_venue_date_hour"
            ),
            models.CheckConstraint(
                condition=Q(hour__lte=23), name="hourly_views_hour_of_day"
            ),
        ]
        indexes = [models.Index(fields=["date"], name="hourly_views_date")]

    def __str__(self):
        return f"{self.venue_id} {self.date} {self.hour:02d}"


class PublicHolidayQuerySet(models.QuerySet):
    def between(self, first, last) -> dict:
        """The list's days from `first` to `last`, by date."""
        return {h.date: h for h in self.filter(date__gte=first, date__lte=last)}

    def around(self, moment) -> dict:
        """The days `venues.hours.opening_state` looks at from `moment`."""
        today = timezone.localdate(moment)
        return self.between(
            today - timedelta(days=1), today + timedelta(days=hours.HORIZON_DAYS + 2)
        )


class PublicHoliday(models.Model):
    """A day of the official yearly list the district admin keeps.

    On a public holiday a venue keeps its Sunday hours or is closed, as it
    chose (`Venue.holiday_hours`); on a make-up working day (调休) it keeps the
    hours of the weekday that day stands in for.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    works_as = models.PositiveSmallIntegerField(
        _("works as"),
        choices=OpeningHours.Weekday.choices,
        default=OpeningHours.Weekday.MONDAY,
        help_text=_("On a make-up working day: the weekday whose hours apply."),
    )

    objects = PublicHolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [
            models.CheckConstraint(
                condition=Q(works_as__gte=0, works_as__lte=6),
                name="holiday_works_as_weekday",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.name} ({self.get_kind_display()})"

    def weekday_for(self, venue) -> int | None:
        """Whose weekday's hours `venue` keeps on this day; None: closed."""
        if self.kind == self.Kind.WORKDAY:
            return self.works_as
        if venue.holiday_hours == Venue.HolidayHours.SUNDAY:
            return OpeningHours.Weekday.SUNDAY
        return None


class DemandSource(models.TextChoices):
    NEAR_ME = "near_me", _("Near-me search")
    NAVIGATION = "navigation", _("Navigation hand-off")
    BOOKING_REFUSED = "booking_refused", _("Booking refused: no seats")
    WAITING_LIST = "waiting_list", _("Activity waiting list")
    FACILITY_REQUEST = "facility_request", _("Feedback asking for a facility")
    UPLOADED = "uploaded", _("Uploaded by an administrator")


class DemandCount(models.Model):
    """How often demand arose in one H3 cell (resolution 9) in one hour.

    Only counts: a position is reduced to its cell before anything is stored,
    and nothing says who asked. `category` is blank for demand of any kind of
    venue (a near-me search); `venue` is set for demand met or refused at one.
    """

    date = models.DateField(_("date"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    source = models.CharField(_("source"), max_length=20, choices=DemandSource.choices)
    cell = models.CharField(_("cell"), max_length=16)
    category = models.CharField(
        _("category"), max_length=24, choices=Venue.Category.choices, blank=True
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="demand",
        verbose_name=_("venue"),
    )
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("demand count")
        verbose_name_plural = _("demand counts")
        indexes = [models.Index(fields=["date", "source"], name="demand_date_source")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hour__gte=0, hour__lte=23), name="demand_hour_0_23"
            ),
            # NULLs are distinct in a unique index, so one index per case.
            models.UniqueConstraint(
                fields=["date", "hour", "source", "cell", "category", "venue"],
                condition=Q(venue__isnull=False),
                name="demand_unique_at_venue",
            ),
            models.UniqueConstraint(
                fields=["date", "hour", "source", "cell", "category"],
                condition=Q(venue__isnull=True),
                name="demand_unique_in_cell",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.hour}h {self.source} {self.cell}: {self.count}"


class CandidateSite(models.Model):
    """A place an administrator proposes for a new venue, beside the cells
    with demand that the siting model considers anyway."""

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(
        _("category"),
        max_length=24,
        choices=Venue.Category.choices,
        blank=True,
        help_text=_("Blank: a candidate for every category."),
    )
    lat = models.FloatField(_("latitude (WGS-84)"))
    lng = models.FloatField(_("longitude (WGS-84)"))
    cell = models.CharField(_("cell"), max_length=16)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("candidate site")
        verbose_name_plural = _("candidate sites")
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="candidate_coordinates_in_range",
            ),
        ]

    def __str__(self):
        return self.name


class SitingSnapshot(models.Model):
    """Coverage and suggested sites for one category, as `compute_siting`
    found them; the console pages read the latest one and compute nothing.

    `data` holds the cells (resolution 8, for showing), the share covered per
    town, the underserved cells ranked and the suggestions for each k.
    """

    category = models.CharField(
        _("category"), max_length=24, choices=Venue.Category.choices
    )
    computed_at = models.DateTimeField(_("computed"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    radius_m = models.PositiveIntegerField(_("radius (m)"))
    demand_total = models.PositiveIntegerField(_("demand"))
    demand_covered = models.PositiveIntegerField(_("demand covered"))
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"
        verbose_name = _("siting snapshot")
        verbose_name_plural = _("siting snapshots")
        indexes = [
            models.Index(fields=["category", "-computed_at"], name="siting_latest")
        ]

    def __str__(self):
        return f"{self.category} {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def covered_share(self) -> float | None:
        if not self.demand_total:
            return None
        return 100 * self.demand_covered / self.demand_total


class UsageSnapshot(models.Model):
    """Use of the venues, as `compute_usage` found it, for one venue, one
    organisation or the district (both blank); the console reads, never sums.

    `data` holds the weeks and, per week, views, navigations, bookings and
    check-ins; for a venue also views, navigations and check-ins by weekday
    and hour, to set opening hours by.
    """

    class Scope(models.TextChoices):
        VENUE = "venue", _("Venue")
        ORGANIZATION = "organization", _("Organisation")
        DISTRICT = "district", _("District")

    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("usage snapshot")
        verbose_name_plural = _("usage snapshots")
        indexes = [
            models.Index(fields=["computed_at", "scope"], name="usage_run_scope"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="venue", venue__isnull=False, organization__isnull=True)
                    | Q(
                        scope="organization",
                        venue__isnull=True,
                        organization__isnull=False,
                    )
                    | Q(scope="district", venue__isnull=True, organization__isnull=True)
                ),
                name="usage_scope_matches",
            ),
        ]

    def __str__(self):
        return f"{self.scope} {self.venue_id or self.organization_id or ''}"
