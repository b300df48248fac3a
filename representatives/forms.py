"""Forms of the congress's work; every choice is a queryset in the user's scope,
so a forged id is "not one of the choices"."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qunxian.forms import BoundedDateField, days_from_today
from qunxian.models import User
from representatives.models import (
    Category,
    Department,
    LogEntry,
    Proposal,
    Rating,
    Representative,
    Session,
    Term,
)
from venues.models import Organization


class UserByPhoneField(forms.CharField):
    """An active account, found by its mobile number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 11)
        super().__init__(**kwargs)

    def clean(self, value):
        phone = super().clean(value)
        user = User.objects.filter(phone=phone, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("No active account has this mobile number."), code="no_user"
            )
        return user


class RepresentativeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} · {obj.constituency}"


class RepresentativesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} · {obj.constituency}"


class EntriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return (
            f"{obj.talked_on:%Y-%m-%d} · {obj.get_category_display()} · {obj.text[:60]}"
        )


class SuggestionForm(forms.Form):
    representative = RepresentativeChoiceField(
        label=_("Your representative"),
        queryset=Representative.objects.none(),
        empty_label=None,
    )
    category = forms.ChoiceField(label=_("About"), choices=Category.choices)
    text = forms.CharField(
        label=_("Your suggestion or problem"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].queryset = (
            Representative.objects.current()
            .select_related("user", "term__congress")
            .order_by("term__congress__name", "user__display_name", "id")
        )


class LogEntryForm(forms.ModelForm):
    talked_on = BoundedDateField(
        label=_("Date"),
        window=days_from_today(back=366, ahead=0),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = LogEntry
        fields = ["talked_on", "worker_name", "category", "urgency", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ProposalForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    reason = forms.CharField(
        label=_("Reason (案由)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    measures = forms.CharField(
        label=_("Suggested measures"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    entries = EntriesField(
        label=_("From these entries of your work log"),
        queryset=LogEntry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _(
                "A proposal is raised from at least one entry of your work log."
            )
        },
    )
    cosigners = RepresentativesField(
        label=_("Ask these representatives to co-sign"),
        queryset=Representative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, representative: Representative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = representative.term.sessions.filter(
            closed_at__isnull=True
        )
        self.fields["entries"].queryset = representative.log_entries.all()
        self.fields["cosigners"].queryset = representative.term.representatives.exclude(
            pk=representative.pk
        ).select_related("user")
        self.fields["cosigners"].help_text = _(
            "It can be submitted once %(count)s of them have confirmed."
        ) % {"count": settings.PROPOSAL_MIN_COSIGNERS}


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Proposal.Decision.choices, widget=forms.RadioSelect
    )
    merged_into = forms.ModelChoiceField(
        label=_("Merged into"), queryset=Proposal.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed unless it is accepted."),
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = (
            Proposal.objects.received()
            .filter(session=proposal.session_id)
            .exclude(pk=proposal.pk)
        )


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none()
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            congress=proposal.session.term.congress_id
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Proposal.Outcome.choices)


class RatingForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=Rating.Verdict.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Comment"), max_length=500, required=False)


class SessionCloseForm(forms.Form):
    proposals = forms.ModelMultipleChoiceField(
        label=_("Excellent proposals (优秀提案)"),
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    representatives = RepresentativesField(
        label=_("Excellent representatives (优秀职工代表)"),
        queryset=Representative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = session.proposals.valid()
        self.fields[
            "representatives"
        ].queryset = session.term.representatives.select_related("user")


# Setting a congress up: the console, and its staff in the user end


class CongressForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Union"),
        queryset=Organization.objects.filter(kind=Organization.Kind.UNION),
    )
    name = forms.CharField(label=_("Name"), max_length=100)


class TermForm(forms.Form):
    number = forms.IntegerField(label=_("Term"), min_value=1, max_value=99)
    starts_on = BoundedDateField(
        label=_("Starts"),
        window=days_from_today(back=3660, ahead=3660),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = BoundedDateField(
        label=_("Ends"),
        window=days_from_today(back=3660, ahead=3660),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SessionForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none())
    number = forms.IntegerField(label=_("Session"), min_value=1, max_value=99)
    held_on = BoundedDateField(
        label=_("Held on"),
        window=days_from_today(back=3660, ahead=3660),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = congress.terms.all()


class RepresentativeForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none())
    user = UserByPhoneField()
    constituency = forms.CharField(label=_("Teams or constituency"), max_length=200)

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = congress.terms.all()


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Department"), max_length=100)
    contacts = forms.CharField(
        label=_("Contacts' mobile numbers"),
        max_length=200,
        help_text=_("One or more, separated by spaces or commas."),
    )

    def clean_contacts(self):
        phones = set(self.cleaned_data["contacts"].replace(",", " ").split())
        users = list(User.objects.filter(phone__in=phones, is_active=True))
        unknown = phones - {user.phone for user in users}
        if unknown:
            raise ValidationError(
                _("No active account has these numbers: %(phones)s"),
                params={"phones": ", ".join(sorted(unknown))},
                code="no_user",
            )
        return users


class MemberForm(forms.Form):
    user = UserByPhoneField()
    committee = forms.TypedChoiceField(
        label=_("As"),
        coerce=lambda value: value == "committee",
        choices=[
            ("staff", _("Union staff")),
            ("committee", _("Proposal committee member")),
        ],
    )
