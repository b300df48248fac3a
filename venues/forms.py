"""Forms of the two admin ends for venues. The user end's filters are in filters.py."""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunxian.accounts import PhoneField
from qunxian.forms import BoundedDateField, days_from_today
from qunxian.models import User
from venues import demand, imports
from venues.hours import HoursRange
from venues.images import MAX_UPLOAD_BYTES, process_image
from venues.models import (
    CandidateSite,
    Closure,
    OpeningHours,
    Organization,
    PublicHoliday,
    Space,
    Venue,
)
from venues.services import (
    MAX_PHOTOS_PER_VENUE,
    MAX_SPACE_CAPACITY,
    validate_closure_times,
    validate_weekly_hours,
)

# Console

# Mainland China with its islands, generously: a point outside is a typo or
# swapped coordinates, not a venue of the district.
CHINA_LAT = (3.5, 54.0)
CHINA_LNG = (73.0, 136.0)


def _degrees_widget():
    return forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})


class VenueLocationForm(forms.ModelForm):
    """WGS-84 coordinates, checked to lie in China: shared by both admin ends."""

    lat = forms.FloatField(
        label=_("Latitude (WGS-84)"),
        min_value=-90,
        max_value=90,
        widget=_degrees_widget(),
        help_text=_(
            "Degrees north, about 30 in Putuo. From GPS or a WGS-84 map, not "
            "copied from AMap or Baidu, whose coordinates are shifted."
        ),
    )
    lng = forms.FloatField(
        label=_("Longitude (WGS-84)"),
        min_value=-180,
        max_value=180,
        widget=_degrees_widget(),
        help_text=_("Degrees east, about 122 in Putuo."),
    )

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        if lat is None or lng is None:
            return cleaned
        if not (
            CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LNG[0] <= lng <= CHINA_LNG[1]
        ):
            self.add_error(
                "lat",
                _(
                    "This point is outside China. Check that latitude and "
                    "longitude are not swapped."
                ),
            )
        return cleaned


class ConsoleVenueForm(VenueLocationForm):
    """A venue's details; the view hands `cleaned_data` to a service.

    `organizations` are those the venue may belong to: the user's console's.
    """

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    class Meta:
        model = Venue
        fields = Venue.CONSOLE_FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "facilities": forms.CheckboxSelectMultiple,
        }


class ConsoleOrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "kind"]


#: The holiday list holds this year's and next years' days, and last year's.
HOLIDAY_DAYS = days_from_today(back=2 * 365, ahead=3 * 365)


class HolidayForm(forms.ModelForm):
    date = BoundedDateField(
        label=_("Date"),
        window=HOLIDAY_DAYS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = PublicHoliday
        fields = ["date", "name", "kind", "works_as"]
        help_texts = {"name": _("As the State Council's notice names it, e.g. 春节.")}

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        if day and PublicHoliday.objects.filter(date=day).exists():
            self.add_error("date", _("This day is already on the list."))
        return cleaned

    def validate_unique(self):
        """The service refuses a second entry for a day, with a clear message."""


class ExistingAccountForm(forms.Form):
    """Names a person who already has an account, found by their number."""

    phone = PhoneField()

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        self.user = User.objects.filter(phone=phone).first()
        if self.user is None:
            raise forms.ValidationError(_("No user has this mobile number."))
        if not self.user.is_active:
            raise forms.ValidationError(_("This account is deactivated."))
        return phone


class OrganizationAdminRemoveForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = organization.admins.all()


class VenueStatusForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Kept in the audit log."),
    )


class ConsoleVenuesForm(forms.Form):
    """A form whose `venues` are chosen among `console_venues`, the user's console's."""

    venues = forms.ModelMultipleChoiceField(
        label=_("Venues they manage"),
        queryset=Venue.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, console_venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venues"].queryset = console_venues


class ManagerCreateForm(ConsoleVenuesForm):
    field_order = ["phone", "display_name", "password1", "password2", "venues"]

    phone = PhoneField()
    display_name = forms.CharField(label=_("Name to show"), max_length=40)
    password1 = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Give it to the manager in person; they can change it after logging in."
        ),
    )
    password2 = forms.CharField(
        label=_("Initial password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if User.objects.filter(phone=phone).exists():
            raise forms.ValidationError(
                _(
                    "A user with this mobile number already exists. "
                    "Add them as an existing user instead."
                )
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if not password1 or not password2:
            return cleaned
        if password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
            return cleaned
        person = User(
            username=f"u{cleaned.get('phone', '')}",
            phone=cleaned.get("phone", ""),
            display_name=cleaned.get("display_name", ""),
        )
        try:
            password_validation.validate_password(password1, person)
        except forms.ValidationError as error:
            self.add_error("password1", error)
        return cleaned


class ManagerPickForm(ConsoleVenuesForm, ExistingAccountForm):
    """An existing account, named manager of some of the console's venues."""

    field_order = ["phone", "venues"]


class ManagerAssignForm(forms.Form):
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())

    def __init__(self, *args, user: User, console_venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = console_venues.exclude(managers=user)


class ManagerUnassignForm(forms.Form):
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, user: User, console_venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = console_venues.managed_by(user)


# Manager end


class VenueInfoForm(VenueLocationForm):
    """What a venue's managers may edit; name, organisation and status are the
    console's. The view hands `cleaned_data` to `venue_update`."""

    class Meta:
        model = Venue
        fields = Venue.MANAGER_FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "facilities": forms.CheckboxSelectMultiple,
        }


def _time_widget(**attrs):
    return forms.TimeInput(attrs={"type": "time", **attrs}, format="%H:%M")


#: Periods a day offers in the week grid (a morning and an afternoon, say);
#: a day already holding more keeps them all.
PERIODS_PER_DAY = 2
#: A range that closes before it opens runs past midnight, but only into the
#: small hours: 14:00 to 12:00 is a slip, not 22 hours of opening.
LATEST_NIGHT_CLOSING = datetime.time(6, 0)
WEEKDAYS = range(7)
WORKING_DAYS = range(1, 5)  # Tuesday to Friday, which "copy Monday" fills


@dataclass(frozen=True)
class DayRow:
    """One weekday of the grid, as the template lays it out."""

    weekday: int
    label: str
    periods: list[tuple[forms.BoundField, forms.BoundField]]
    errors: list[str]


class WeekHoursForm(forms.Form):
    """The week as a grid: a row per weekday with its opening periods.

    A period is an opening and a closing time, both or neither; a day with no
    period is closed. Saved as a whole through `venue_set_hours`.
    """

    # Sent by the page with the grid: a POST without it (cut short, forged)
    # must not save an empty week, which would close the venue.
    week = forms.CharField(
        widget=forms.HiddenInput,
        initial="1",
        error_messages={
            "required": _("The week came incomplete; nothing is saved. Try again.")
        },
    )
    holiday_hours = forms.ChoiceField(
        label=_("On public holidays"),
        choices=Venue.HolidayHours.choices,
        widget=forms.RadioSelect,
        required=False,  # left out, the venue keeps its choice
        help_text=_(
            "The district's holiday list says which days are public holidays. "
            "On a make-up working day the venue keeps the hours of the weekday "
            "it stands in for."
        ),
    )

    def __init__(self, *args, periods: int = PERIODS_PER_DAY, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = periods
        for weekday in WEEKDAYS:
            day = OpeningHours.Weekday(weekday).label
            for n in range(periods):
                for part, label in (("opens", _("opens")), ("closes", _("closes"))):
                    self.fields[self.field_name(weekday, n, part)] = forms.TimeField(
                        label=_("%(day)s, period %(number)s, %(part)s")
                        % {"day": day, "number": n + 1, "part": label},
                        required=False,
                        widget=_time_widget(),
                    )

    @staticmethod
    def field_name(weekday: int, n: int, part: str) -> str:
        return f"d{weekday}-{n}-{part}"

    @classmethod
    def initial_for(cls, ranges) -> tuple[dict, int]:
        """Initial data for stored `ranges`, and the periods a day needs."""
        by_day: dict[int, list] = {weekday: [] for weekday in WEEKDAYS}
        for r in sorted(ranges, key=lambda r: (r.weekday, r.opens)):
            by_day[r.weekday].append(r)
        periods = max([PERIODS_PER_DAY, *map(len, by_day.values())])
        initial = {}
        for weekday, day_ranges in by_day.items():
            for n, r in enumerate(day_ranges):
                initial[cls.field_name(weekday, n, "opens")] = r.opens
                initial[cls.field_name(weekday, n, "closes")] = r.closes
        return initial, periods

    @classmethod
    def copy_monday(cls, data, periods: int) -> dict:
        """The posted values with Monday's periods copied to Tuesday–Friday."""
        copied = {name: data.get(name, "") for name in cls(periods=periods).fields}
        for weekday in WORKING_DAYS:
            for n in range(periods):
                for part in ("opens", "closes"):
                    copied[cls.field_name(weekday, n, part)] = data.get(
                        cls.field_name(0, n, part), ""
                    )
        return {name: value for name, value in copied.items() if value}

    def clean(self):
        cleaned = super().clean()
        for weekday in WEEKDAYS:
            for n in range(self.periods):
                opens_name = self.field_name(weekday, n, "opens")
                closes_name = self.field_name(weekday, n, "closes")
                if opens_name in self.errors or closes_name in self.errors:
                    continue
                opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
                if (opens is None) != (closes is None):
                    missing = closes_name if closes is None else opens_name
                    self.add_error(
                        missing,
                        forms.ValidationError(
                            _("Give both the opening and the closing time."),
                            code="required",
                        ),
                    )
                elif opens is not None and opens > closes > LATEST_NIGHT_CLOSING:
                    self.add_error(
                        closes_name,
                        forms.ValidationError(
                            _(
                                "Closes before it opens. A period past midnight "
                                "may run to %(latest)s at the latest."
                            ),
                            code="closes_before_opens",
                            params={"latest": LATEST_NIGHT_CLOSING.strftime("%H:%M")},
                        ),
                    )
        if not self.errors:
            try:
                validate_weekly_hours(self.ranges())
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def ranges(self) -> list[HoursRange]:
        """The filled-in periods, as weekly ranges."""
        ranges = []
        for weekday in WEEKDAYS:
            for n in range(self.periods):
                opens = self.cleaned_data.get(self.field_name(weekday, n, "opens"))
                closes = self.cleaned_data.get(self.field_name(weekday, n, "closes"))
                if opens is not None and closes is not None:
                    ranges.append(HoursRange(weekday, opens, closes))
        return ranges

    def days(self) -> list[DayRow]:
        rows = []
        for weekday in WEEKDAYS:
            periods, errors = [], []
            for n in range(self.periods):
                opens = self[self.field_name(weekday, n, "opens")]
                closes = self[self.field_name(weekday, n, "closes")]
                periods.append((opens, closes))
                errors += [*opens.errors, *closes.errors]
            rows.append(
                DayRow(weekday, OpeningHours.Weekday(weekday).label, periods, errors)
            )
        return rows


#: A closure may have begun a little before it is entered, and is planned at
#: most two years ahead.
CLOSURE_DAYS = days_from_today(back=31, ahead=2 * 365)


def _closure_day(name, **kwargs):
    return Closure._meta.get_field(name).formfield(
        form_class=BoundedDateField,
        window=CLOSURE_DAYS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ClosureForm(forms.ModelForm):
    """Whole days of the venue, or of one space, or some hours of one day."""

    start_date = _closure_day("start_date")
    end_date = _closure_day(
        "end_date",
        help_text=_("The last closed day. The same as the first for one day."),
    )
    start_time = forms.TimeField(
        label=_("From (time)"), required=False, widget=_time_widget()
    )
    end_time = forms.TimeField(
        label=_("Until (time)"),
        required=False,
        widget=_time_widget(),
        help_text=_(
            "To close only some hours of one day, such as 14:00 to 16:00. "
            "Leave both empty to close whole days."
        ),
    )

    class Meta:
        model = Closure
        fields = ["space", "start_date", "end_date", "start_time", "end_time", "reason"]
        help_texts = {
            "reason": _("Shown to visitors, e.g. equipment repairs."),
        }

    def __init__(self, *args, venue, **kwargs):
        super().__init__(*args, **kwargs)
        space = self.fields["space"]
        space.queryset = venue.spaces.order_by("name")
        space.empty_label = _("The whole venue")
        space.required = False

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", _("The last day cannot be before the first day.")
            )
        elif end and end < timezone.localdate():
            self.add_error("end_date", _("This closure is entirely in the past."))
        elif start and end and not self.errors:
            try:
                validate_closure_times(
                    start, end, cleaned.get("start_time"), cleaned.get("end_time")
                )
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned


class SpaceForm(forms.ModelForm):
    """Name uniqueness is checked by the service, which knows the venue."""

    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=MAX_SPACE_CAPACITY
    )

    class Meta:
        model = Space
        fields = [
            "name",
            "capacity",
            "is_exclusive",
            "description",
            "is_active",
            "members_only",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Interpolated here, per request, so the text is in the user's language.
        self.fields["capacity"].help_text = _(
            "How many people at once, 1 to %(max)s."
        ) % {"max": MAX_SPACE_CAPACITY}


class PhotoUploadForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)

    def __init__(self, *args, photo_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_count = photo_count
        self.fields["image"].help_text = _(
            "JPEG, PNG, WebP or GIF, up to %(max)s MB. Location data in the "
            "file is removed."
        ) % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}

    def clean_image(self):
        """A `ProcessedImage` (re-encoded, EXIF gone) or a form error."""
        if self.photo_count >= MAX_PHOTOS_PER_VENUE:
            raise forms.ValidationError(
                _("A venue can have at most %(max)s photos. Delete one first."),
                params={"max": MAX_PHOTOS_PER_VENUE},
                code="too_many_photos",
            )
        return process_image(self.cleaned_data["image"])


class PhotoCaptionForm(forms.Form):
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class VenueImportForm(forms.Form):
    """An .xlsx or .csv file of venues; `records` holds its rows once valid."""

    file = forms.FileField(
        label=_("File of venues"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet,text/csv"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = {
            "size": imports.MAX_UPLOAD_BYTES // (1024 * 1024),
            "count": imports.MAX_ROWS,
        }
        self.fields["file"].help_text = (
            _("Excel (.xlsx) or CSV, at most %(size)s MB and %(count)s venues.")
            % limits
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.records = imports.read_upload(upload)
        return upload


class SitingForm(forms.Form):
    """Which category's coverage, and how many new sites to suggest."""

    category = forms.ChoiceField(
        label=_("Category"),
        choices=Venue.Category.choices,
        initial=Venue.Category.OUTDOOR_STATION,
        required=False,
    )
    k = forms.TypedChoiceField(
        label=_("New sites"),
        coerce=int,
        choices=[(k, k) for k in range(1, settings.SITING_MAX_K + 1)],
        initial=3,
        required=False,
    )


class CandidateSiteForm(VenueLocationForm):
    class Meta:
        model = CandidateSite
        fields = ["name", "category", "lat", "lng"]

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        if lat is None or lng is None or self.has_error("lat"):
            return cleaned
        (south, west), (north, east) = settings.DISTRICT_BOX
        if not (south <= lat <= north and west <= lng <= east):
            self.add_error("lat", _("This place is outside the district."))
        return cleaned


class DemandUploadForm(forms.Form):
    """A CSV of demand counts by cell or by point; `records` once valid."""

    file = forms.FileField(
        label=_("File of demand"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    date = BoundedDateField(
        label=_("Counted on"),
        window=days_from_today(back=settings.SITING_PERIOD_DAYS, ahead=0),
        help_text=_("The day the counts are for, within the last 30 days."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV, at most %(size)s MB and %(count)s rows."
        ) % {
            "size": demand.MAX_UPLOAD_BYTES // (1024 * 1024),
            "count": demand.MAX_ROWS,
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Upload a CSV file (.csv)."))
        self.records = demand.read_demand_csv(upload)
        return upload
