from django import forms
from django.utils.translation import gettext_lazy as _

from membership import fasttrack
from membership.models import Employer, MembershipApplication, Occupation
from membership.services import union_venues
from qunxian.forms import BoundedDateField, days_from_today
from venues.models import Organization, Town


class ApplicationForm(forms.ModelForm):
    """入会申请. The union is the district's, or the venue's one joins at:
    `venue` is a hidden choice among union venues, so a forged one is an error."""

    venue = forms.ModelChoiceField(
        queryset=union_venues(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("This venue takes no membership applications.")
        },
    )
    employer = forms.ChoiceField(
        label=_("Employer or platform"), choices=Employer.choices
    )
    occupation = forms.ChoiceField(label=_("Occupation"), choices=Occupation.choices)
    town = forms.ModelChoiceField(
        label=_("Street or town where you work"), queryset=Town.objects.all()
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the union keeps and uses these data to handle my "
            "membership and to serve its members."
        ),
        error_messages={
            "required": _("The union needs your consent to use these data.")
        },
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "venue",
            "name",
            "employer",
            "employer_name",
            "occupation",
            "town",
            "consent",
        ]
        help_texts = {"employer_name": _("Only if it is another employer.")}

    def clean(self):
        data = super().clean()
        if "venue" in self._errors:  # a hidden field: say it above the fields
            self.add_error(None, self._errors.pop("venue"))
        if (
            data.get("employer") == Employer.OTHER
            and not data.get("employer_name", "").strip()
        ):
            self.add_error("employer_name", _("Please name your employer."))
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("What do you need to know?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=200, required=False
    )
    confirm = forms.BooleanField(
        label=_("Yes, I want to leave the union."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class TransferForm(forms.Form):
    union = forms.ModelChoiceField(
        label=_("New union"),
        queryset=Organization.objects.filter(kind=Organization.Kind.UNION),
    )
    reason = forms.CharField(
        label=_("Reason (the new employer, say)"), max_length=200, required=False
    )

    def __init__(self, *args, leaving=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leaving is not None:  # the union it leaves is no choice
            self.fields["union"].queryset = self.fields["union"].queryset.exclude(
                pk=leaving.pk
            )


class FastTrackUploadForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=60,
        help_text=_("Where the list comes from, e.g. 换电数据 (battery swaps)."),
    )
    identified_on = BoundedDateField(
        label=_("Date of the data"),
        window=days_from_today(back=366, ahead=0),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(
        label=_("File of mobile numbers (.csv)"),
        help_text=_("One mobile number a row, in the first column."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.rows = fasttrack.read_phone_list(upload)
        return upload


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Waiting for the union")),
            *MembershipApplication.State.choices,
        ],
    )
    fast_track = forms.BooleanField(label=_("Fast track only"), required=False)

    def filter(self, applications):
        data = self.cleaned_data
        if data["state"]:
            applications = applications.filter(state=data["state"])
        else:
            applications = applications.open()
        if data["fast_track"]:
            applications = applications.filter(fast_track_list__isnull=False)
        return applications


class BulkApproveForm(forms.Form):
    """The fast-track applications ticked in a queue, looked up in its scope."""

    applications = forms.ModelMultipleChoiceField(
        queryset=MembershipApplication.objects.none(),
        error_messages={"required": _("Tick the applications to approve.")},
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = scope.select_related("union", "user")
