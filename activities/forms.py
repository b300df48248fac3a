from django import forms
from django.utils.translation import gettext_lazy as _

from activities.audience import audience_label
from activities.models import Activity, Series
from qunxian.forms import BoundedDateTimeField, days_from_today
from venues.models import Venue


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


#: A new activity starts today at the earliest (the service wants it in the
#: future) and at most a year ahead.
ACTIVITY_DAYS = days_from_today(back=0, ahead=366)


def _time_field(name):
    return Activity._meta.get_field(name).formfield(
        form_class=BoundedDateTimeField, window=ACTIVITY_DAYS, widget=DateTimeInput()
    )


class ActivityForm(forms.ModelForm):
    """What a manager fills in; the service checks the rules again."""

    starts_at = _time_field("starts_at")
    ends_at = _time_field("ends_at")

    class Meta:
        model = Activity
        fields = [
            "title",
            "series",
            "venue",
            "other_venues",
            "place",
            "starts_at",
            "ends_at",
            "seats",
            "description",
            "tags",
            "min_age",
            "max_age",
            "gender",
            "members_only",
        ]
        widgets = {
            "other_venues": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "min_age": _("Leave the ages and gender empty for everyone."),
        }

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["venue"].empty_label = None
        if self.instance.pk:
            # The host is fixed once published: its index counts the attendance.
            del self.fields["venue"]
            # A started or past activity is still edited with its own times.
            for name in ("starts_at", "ends_at"):
                self.fields[name].keep(getattr(self.instance, name))
        self.fields["other_venues"].queryset = Venue.objects.published().order_by(
            "name"
        )
        self.fields["other_venues"].required = False
        self.fields["series"].queryset = Series.objects.all()
        self.fields["series"].empty_label = _("None")
        self.fields["seats"].min_value = 1
        self.fields["seats"].widget.attrs["min"] = 1
        for name in ("min_age", "max_age"):
            self.fields[name].widget.attrs.update(min=0, max=120)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_age", _("The maximum age must not be below the minimum.")
            )
        return data


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = ["name", "organization", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class SignUpForm(forms.Form):
    """The box a person ticks to say they belong to an activity's audience."""

    in_audience = forms.BooleanField(
        label=_("I belong to this activity's audience"), required=False
    )

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None:
            self.fields["in_audience"].label = _(
                "I belong to this activity's audience: %(audience)s"
            ) % {"audience": audience_label(activity)}
