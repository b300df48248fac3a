"""Forms of the two admin ends for venues. The user end's filters are in filters.py."""

import datetime

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
    Space,
    Venue,
)
from venues.services import (
    MAX_PHOTOS_PER_VENUE,
    MAX_SPACE_CAPACITY,
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
    """A venue's details; the view hands `cleaned_data` to a service."""

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


class VenueStatusForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Kept in the audit log."),
    )


class ManagerCreateForm(forms.Form):
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
    venues = forms.ModelMultipleChoiceField(
        label=_("Venues they manage"),
        queryset=Venue.objects.all(),
        widget=forms.CheckboxSelectMultiple,
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


class ManagerPickForm(forms.Form):
    """Names a person who already has an account, found by their number."""

    phone = PhoneField()
    venues = forms.ModelMultipleChoiceField(
        label=_("Venues they manage"),
        queryset=Venue.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        self.user = User.objects.filter(phone=phone).first()
        if self.user is None:
            raise forms.ValidationError(_("No user has this mobile number."))
        if not self.user.is_active:
            raise forms.ValidationError(_("This account is deactivated."))
        return phone


class ManagerAssignForm(forms.Form):
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.exclude(managers=user)


class ManagerUnassignForm(forms.Form):
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.managed_by(user)


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


class OpeningHoursForm(forms.Form):
    """One weekly range; a row of `HoursFormSet`."""

    weekday = forms.TypedChoiceField(
        label=_("Day"),
        coerce=int,
        # The blank choice keeps an untouched extra row empty, so it is skipped.
        choices=[("", "—"), *OpeningHours.Weekday.choices],
    )
    opens = forms.TimeField(
        label=_("Opens"), widget=_time_widget(**{"aria-describedby": "hours-help"})
    )
    closes = forms.TimeField(
        label=_("Closes"),
        widget=_time_widget(**{"aria-describedby": "hours-help"}),
        help_text=_(
            "A closing time earlier than or equal to the opening time means the "
            "next day, past midnight (18:00 to 02:00). 00:00 to 00:00 means open "
            "24 hours. Several ranges on one day are fine (08:00 to 12:00 and "
            "14:00 to 18:00) as long as they do not overlap."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens is not None and opens == closes and opens != datetime.time(0):
            self.add_error(
                "closes",
                forms.ValidationError(
                    _(
                        "Opens and closes at the same time. For open all day, "
                        "enter 00:00 to 00:00."
                    ),
                    code="empty_range",
                ),
            )
        return cleaned


class BaseHoursFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        validate_weekly_hours(self.ranges())

    def ranges(self) -> list[HoursRange]:
        """The rows kept: filled in and not marked for removal."""
        return [
            HoursRange(
                form.cleaned_data["weekday"],
                form.cleaned_data["opens"],
                form.cleaned_data["closes"],
            )
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


HoursFormSet = forms.formset_factory(
    OpeningHoursForm,
    formset=BaseHoursFormSet,
    extra=3,
    can_delete=True,
    max_num=28,  # four ranges a day is plenty
    absolute_max=28,
    validate_max=True,
)


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
    start_date = _closure_day("start_date")
    end_date = _closure_day(
        "end_date",
        help_text=_("The last closed day. The same as the first for one day."),
    )

    class Meta:
        model = Closure
        fields = ["start_date", "end_date", "reason"]
        help_texts = {
            "reason": _("Shown to visitors, e.g. equipment repairs."),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", _("The last day cannot be before the first day.")
            )
        elif end and end < timezone.localdate():
            self.add_error("end_date", _("This closure is entirely in the past."))
        return cleaned


class SpaceForm(forms.ModelForm):
    """Name uniqueness is checked by the service, which knows the venue."""

    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=MAX_SPACE_CAPACITY
    )

    class Meta:
        model = Space
        fields = ["name", "capacity", "is_exclusive", "description", "is_active"]

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
