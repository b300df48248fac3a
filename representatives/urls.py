from django.urls import path

from representatives.views import console, portal

portal_patterns = [
    path("", portal.HomeView.as_view(), name="home"),
    path("suggest/", portal.SuggestionCreateView.as_view(), name="suggest"),
    path("r/<int:pk>/", portal.RepresentativeView.as_view(), name="representative"),
    path("r/<int:pk>/log/", portal.LogView.as_view(), name="log"),
    path(
        "r/<int:pk>/proposals/new/",
        portal.ProposalCreateView.as_view(),
        name="proposal_new",
    ),
    path("entries/<int:pk>/", portal.EntryDetailView.as_view(), name="entry"),
    path("proposals/<int:pk>/", portal.ProposalDetailView.as_view(), name="proposal"),
    *(
        path(
            f"proposals/<int:pk>/{action.replace('_', '-')}/",
            portal.proposal_act,
            {"action": action},
            name=f"proposal_{action}",
        )
        for action in portal.ACTIONS
    ),
    path("sessions/<int:pk>/", portal.SessionView.as_view(), name="session"),
    path("sessions/<int:pk>/close/", portal.session_close, name="session_close"),
    path("congresses/<int:pk>/", portal.CongressView.as_view(), name="congress"),
    path(
        "congresses/<int:pk>/setup/",
        portal.OfficeCongressSetupView.as_view(),
        name="congress_setup",
    ),
]

manage_patterns = []

console_patterns = [
    path("congresses/", console.CongressListView.as_view(), name="congress_list"),
    path(
        "congresses/<int:pk>/",
        console.ConsoleCongressSetupView.as_view(),
        name="congress_setup",
    ),
]
