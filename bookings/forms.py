import datetime

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.availability import booking_days, rules_for
from bookings.models import SpaceRules
from qunxian.forms import BoundedDateField, BoundedDateTimeField, days_from_today

contact_phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$",
    _("Enter a mobile number or a landline such as 0580-1234567."),
)


class DayForm(forms.Form):
    """Which day's slots to show; the page picks one when the user does not."""

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.last_day = booking_days(space)
        self.fields["date"] = BoundedDateField(
            label=_("Date"),
            required=False,
            window=lambda: (self.today, self.last_day),
            widget=forms.DateInput(
                attrs={
                    "type": "date",
                    "min": self.today.isoformat(),
                    "max": self.last_day.isoformat(),
                }
            ),
        )


class BookingForm(forms.Form):
    slot_count = forms.TypedChoiceField(label=_("Length"), coerce=int)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. team study session")}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        validators=[contact_phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        rules = rules_for(space)
        # The service checks the time itself; this keeps absurd days from it.
        self.fields["start"] = BoundedDateTimeField(
            window=lambda: booking_days(space), widget=forms.HiddenInput
        )
        self.fields["slot_count"].choices = [
            (n, _("%(minutes)s minutes") % {"minutes": n * rules.slot_minutes})
            for n in range(1, rules.max_slots_per_booking + 1)
        ]
        self.fields["headcount"] = forms.IntegerField(
            label=_("Number of people"), min_value=1, max_value=space.capacity
        )
        self.order_fields(["start", "slot_count", "headcount"])

    def clean_contact_phone(self):
        return self.cleaned_data["contact_phone"].replace(" ", "")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


# -- the venue-manager end --

WEEK_MINUTES = 7 * 24 * 60


#: The days a manager may look at: past ones too (no-shows, records), and
#: beyond the longest advance window.
MANAGER_DAYS = days_from_today(back=3 * 366, ahead=366)


class DateForm(forms.Form):
    """The day a manager looks at."""

    date = BoundedDateField(
        label=_("Date"),
        required=False,
        window=MANAGER_DAYS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def day(self) -> datetime.date:
        if self.is_valid() and self.cleaned_data["date"]:
            return self.cleaned_data["date"]
        return timezone.localdate()


class BookingIdsField(forms.Field):
    """The ids ticked in a list; which of them are the user's is for the view."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one booking."),
        "invalid": _("The selection is not valid."),
    }

    def to_python(self, value):
        ids = []
        for item in value or ():
            try:
                ids.append(int(item))
            except (TypeError, ValueError):
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return list(dict.fromkeys(ids))


class BulkDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    booking = BookingIdsField()
    action = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))])
    reason = forms.CharField(
        label=_("Reason for rejecting"), max_length=200, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REJECT and not data.get("reason", "").strip():
            self.add_error("reason", _("Please give a reason."))
        return data


class CheckInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )

    def clean_code(self):
        # Read aloud and typed at the door: spaces and lower case are fine.
        code = "".join(self.cleaned_data["code"].split()).upper()
        if len(code) != 6:
            raise forms.ValidationError(_("The code has 6 characters."))
        return code


def _rule_field(name, **limits):
    """The model's field (label, help), with the limits a person may set."""
    return SpaceRules._meta.get_field(name).formfield(**limits)


class SpaceRulesForm(forms.ModelForm):
    advance_days = _rule_field(
        "advance_days", min_value=1, max_value=90, help_text=_("From 1 to 90 days.")
    )
    min_notice_minutes = _rule_field(
        "min_notice_minutes", min_value=0, max_value=WEEK_MINUTES
    )
    max_slots_per_booking = _rule_field(
        "max_slots_per_booking", min_value=1, max_value=12
    )
    max_active_per_user = _rule_field("max_active_per_user", min_value=1, max_value=50)
    cancel_cutoff_minutes = _rule_field(
        "cancel_cutoff_minutes", min_value=0, max_value=WEEK_MINUTES
    )

    class Meta:
        model = SpaceRules
        fields = [
            "slot_minutes",
            "advance_days",
            "min_notice_minutes",
            "max_slots_per_booking",
            "max_active_per_user",
            "cancel_cutoff_minutes",
            "approval",
        ]
        widgets = {"approval": forms.RadioSelect}
        help_texts = {
            "slot_minutes": _(
                "Can change only while the space has no upcoming bookings."
            ),
        }


class CalendarForm(forms.Form):
    """The manager's week calendar and day sheet: which day, which of my venues.

    A field that is not valid (a far-off day, another's venue) falls back to
    today or all my venues; the page says so.
    """

    date = BoundedDateField(
        label=_("Date"),
        required=False,
        window=MANAGER_DAYS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=None,
        required=False,
        empty_label=_("All my venues"),
    )

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues

    def day(self) -> datetime.date:
        return self._valid("date") or timezone.localdate()

    def chosen_venue(self):
        return self._valid("venue")

    def _valid(self, name):
        # Each field on its own: another's venue does not lose a good day.
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name)
