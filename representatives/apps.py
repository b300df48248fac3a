from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    name = "representatives"
    verbose_name = _("Workers' representatives")

    def ready(self):
        from qunxian.models import AUDIT_ACTIONS, AUDIT_SUBJECTS

        # The console's names for this app's audit entries, in the core's tables.
        AUDIT_SUBJECTS.update(
            {
                "congress": _("Workers' congress"),
                "term": _("Congress term"),
                "session": _("Congress session"),
                "representative": _("Representative"),
                "department": _("Department"),
                "logentry": _("Work log entry"),
                "proposal": _("Proposal"),
            }
        )
        AUDIT_ACTIONS.update(
            {
                "congress.create": _("Workers' congress created"),
                "congress.add_staff": _("Named to a congress's staff"),
                "congress.add_committee": _("Named to a proposal committee"),
                "term.create": _("Congress term added"),
                "session.create": _("Congress session added"),
                "session.close": _("Session closed with its honours"),
                "representative.name": _("Representative named"),
                "department.create": _("Department added"),
                "logentry.create": _("Work log entry written"),
                "logentry.send": _("Suggestion sent to a representative"),
                "proposal.create": _("Proposal drafted"),
                "proposal.cosign": _("Proposal co-signed"),
                "proposal.submit": _("Proposal submitted"),
                "proposal.decide": _("Committee decision taken"),
                "proposal.publish_registered": _("Proposal registered (立案)"),
                "proposal.publish_merged": _("Proposal merged"),
                "proposal.publish_opinion": _("Proposal turned into an opinion"),
                "proposal.publish_not_accepted": _("Proposal not accepted"),
                "proposal.assign": _("Proposal assigned to a department"),
                "proposal.send_back": _("Proposal sent back by its department"),
                "proposal.extend": _("Proposal deadline extended"),
                "proposal.answer": _("Proposal answered"),
                "proposal.rate": _("Answer rated"),
                "proposal.reopen": _("Proposal sent back for a second answer"),
                "proposal.close": _("Proposal closed"),
            }
        )
