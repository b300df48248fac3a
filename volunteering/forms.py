"""Forms of volunteering, for the user end and the two staff ends."""

import decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qunxian.forms import BoundedDateTimeField, days_from_today
from qunxian.models import User
from venues.images import MAX_UPLOAD_BYTES, ProcessedImage, process_image
from venues.models import Venue
from volunteering.models import (
    HelpRequest,
    Outcome,
    Reward,
    ServiceKind,
    ServiceOrder,
    Team,
    TeamMember,
)
from volunteering.services import MAX_ORDER_DAYS_AHEAD

IMAGE_ACCEPT = "image/*"
ORDER_DAYS = days_from_today(back=1, ahead=MAX_ORDER_DAYS_AHEAD)


def photo_field(label=None) -> forms.FileField:
    return forms.FileField(
        label=label or _("Photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG, WebP or GIF, up to %(max)s MB.")
        % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


class PhotoMixin:
    def clean_photo(self) -> ProcessedImage | None:
        upload = self.cleaned_data["photo"]
        return process_image(upload) if upload else None


class PositionMixin:
    """Optional latitude and longitude, which must fall inside the district."""

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        if (lat is None) != (lng is None):
            raise ValidationError(
                _("Give both latitude and longitude, or neither."), code="position"
            )
        if lat is not None:
            (south, west), (north, east) = settings.DISTRICT_BOX
            if not (south <= lat <= north and west <= lng <= east):
                raise ValidationError(
                    _("This place is outside the district; pick a point in it."),
                    code="outside",
                )
        return cleaned


def _coordinate(label):
    return forms.FloatField(
        label=label,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


# User end


class HelpRequestForm(PhotoMixin, PositionMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened?"),
        choices=HelpRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened.")},
    )
    text = forms.CharField(
        label=_("A few words (optional)"),
        max_length=HelpRequest._meta.get_field("text").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = photo_field()
    lat = _coordinate(_("Latitude (optional)"))
    lng = _coordinate(_("Longitude (optional)"))


class OrderForm(PhotoMixin, PositionMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    venue = forms.ModelChoiceField(
        label=_("At a venue"),
        queryset=Venue.objects.published().order_by("name", "id"),
        required=False,
        empty_label=_("Not at a venue: the point on the map"),
    )
    lat = _coordinate(_("Latitude"))
    lng = _coordinate(_("Longitude"))
    starts_at = BoundedDateTimeField(
        label=_("Needed from"),
        window=ORDER_DAYS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = BoundedDateTimeField(
        label=_("Needed until"),
        window=ORDER_DAYS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    description = forms.CharField(
        label=_("What is needed"),
        max_length=ServiceOrder._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = photo_field()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("venue") is None and cleaned.get("lat") is None:
            raise ValidationError(
                _("Pick the place on the map, or a venue."), code="no_place"
            )
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError(_("The end must be after the start."), code="window")
        return cleaned


class AcceptForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Take it for"), queryset=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class AssignForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Send"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose members of the team.")},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = TeamMember.objects.filter(
            team=team, state=TeamMember.State.ACTIVE
        ).select_related("user")
        self.fields["members"].label_from_instance = lambda member: str(member.user)


class DoneForm(PhotoMixin, forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write what was done.")},
    )
    hours = forms.DecimalField(
        label=_("Hours of service"),
        min_value=decimal.Decimal("0.5"),
        max_value=decimal.Decimal(24),
        decimal_places=1,
    )
    photo = photo_field(_("Photo of the work (optional)"))


class OrderConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )


# Staff ends


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("What was done"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write what was done.")},
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"),
        max_length=200,
        error_messages={"required": _("Please give a reason.")},
    )


class ToOrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    starts_at = OrderForm.base_fields["starts_at"]
    ends_at = OrderForm.base_fields["ends_at"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError(_("The end must be after the start."), code="window")
        return cleaned


class PickUpForm(forms.Form):
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=None)
    code = forms.CharField(label=_("Pick-up code"), max_length=6, min_length=6)

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues


class PointsTableForm(forms.Form):
    """One number per service kind and outcome."""

    def __init__(self, *args, table=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, kind_label in ServiceKind.choices:
            for outcome, outcome_label in Outcome.choices:
                self.fields[f"{kind}__{outcome}"] = forms.IntegerField(
                    label=f"{kind_label} · {outcome_label}",
                    min_value=0,
                    max_value=10_000,
                    initial=table.points_for(kind, outcome) if table else 0,
                )

    def points(self) -> dict[tuple[str, str], int]:
        return {
            tuple(name.split("__")): value for name, value in self.cleaned_data.items()
        }


class TeamActivityForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Volunteer team"), queryset=Team.objects.order_by("name")
    )
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)


class PointsAdjustForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=11)
    amount = forms.IntegerField(
        label=_("Points"),
        min_value=-100_000,
        max_value=100_000,
        help_text=_("Negative to take points away."),
    )
    note = forms.CharField(label=_("Reason"), max_length=200)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        user = User.objects.filter(phone=phone, is_active=True).first()
        if user is None:
            raise ValidationError(_("No account has this number."), code="no_user")
        self.cleaned_data["user"] = user
        return phone

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise ValidationError(_("Give a number of points."), code="zero")
        return amount


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why its points are reversed"),
        max_length=200,
        error_messages={"required": _("Please give a reason.")},
    )


def _account_by_phone(phone: str) -> User:
    user = User.objects.filter(phone=phone.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(_("No account has this number."), code="no_user")
    return user


class TeamForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Services offered"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one service.")},
    )

    class Meta:
        model = Team
        fields = ["name", "organization", "home_venue", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_venue"].queryset = Venue.objects.select_related(
            "organization"
        ).order_by("name", "id")
        if self.instance.pk:
            self.initial["kinds"] = list(
                self.instance.services.values_list("kind", flat=True)
            )

    def clean(self):
        cleaned = super().clean()
        organization, venue = cleaned.get("organization"), cleaned.get("home_venue")
        if organization and venue and venue.organization_id != organization.pk:
            self.add_error("home_venue", _("Pick a venue of the team's organisation."))
        return cleaned


class LeaderForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number of the new leader"),
        max_length=11,
        help_text=_("They need an account on the portal."),
    )

    def clean_phone(self):
        self.cleaned_data["user"] = _account_by_phone(self.cleaned_data["phone"])
        return self.cleaned_data["phone"].strip()


class RewardForm(PhotoMixin, forms.ModelForm):
    photo = photo_field()

    class Meta:
        model = Reward
        fields = [
            "organization",
            "name",
            "description",
            "points",
            "stock",
            "pickup_venue",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_venue"].queryset = Venue.objects.order_by("name", "id")
        self.fields["points"].widget.attrs["min"] = 1
        self.fields["stock"].widget.attrs["min"] = 0
        if self.instance.pk:
            # An edit moves stock only through an adjustment with its reason.
            del self.fields["stock"]

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points < 1:
            raise ValidationError(_("A reward costs at least one point."), code="min")
        return points

    def clean_stock(self):
        stock = self.cleaned_data["stock"]
        if stock < 0:
            raise ValidationError(_("The stock cannot go below zero."), code="min")
        return stock

    def clean(self):
        cleaned = super().clean()
        organization, venue = cleaned.get("organization"), cleaned.get("pickup_venue")
        if organization and venue and venue.organization_id != organization.pk:
            self.add_error(
                "pickup_venue", _("Pick a venue of the reward's organisation.")
            )
        return cleaned


class StockForm(forms.Form):
    change = forms.IntegerField(
        label=_("Change of stock"),
        min_value=-100_000,
        max_value=100_000,
        help_text=_("Negative to write items off."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_change(self):
        change = self.cleaned_data["change"]
        if change == 0:
            raise ValidationError(_("Give a change of stock."), code="zero")
        return change
