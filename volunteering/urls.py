from django.urls import path

from volunteering.views import console, manage, portal

portal_patterns = [
    path("", portal.HomeView.as_view(), name="home"),
    # 码上都: what a venue's poster opens
    path(
        "report/<int:venue_id>/", portal.HelpRequestCreateView.as_view(), name="report"
    ),
    path(
        "requests/<int:pk>/",
        portal.HelpRequestDetailView.as_view(),
        name="request_detail",
    ),
    path(
        "requests/<int:pk>/confirm/",
        portal.help_request_confirm,
        name="request_confirm",
    ),
    path(
        "requests/<int:pk>/me-too/", portal.help_request_me_too, name="request_me_too"
    ),
    path("requests/<int:pk>/photo/", portal.help_request_photo, name="request_photo"),
    path(
        "requests/<int:pk>/photo/small/",
        portal.help_request_photo,
        {"thumbnail": True},
        name="request_thumbnail",
    ),
    path("map/", portal.help_map, name="map"),
    # Teams
    path("teams/", portal.TeamListView.as_view(), name="team_list"),
    path("teams/<int:pk>/", portal.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/join/", portal.team_join, name="team_join"),
    path("members/<int:pk>/decide/", portal.member_decide, name="member_decide"),
    path("members/<int:pk>/listed/", portal.member_listed, name="member_listed"),
    path("members/<int:pk>/leave/", portal.member_leave, name="member_leave"),
    path("members/<int:pk>/remove/", portal.member_remove, name="member_remove"),
    # 点单 → 接单
    path("orders/new/", portal.OrderCreateView.as_view(), name="order_new"),
    path("orders/<int:pk>/", portal.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<int:pk>/accept/", portal.order_accept, name="order_accept"),
    path("orders/<int:pk>/assign/", portal.order_assign, name="order_assign"),
    path("orders/<int:pk>/done/", portal.order_done, name="order_done"),
    path("orders/<int:pk>/confirm/", portal.order_confirm, name="order_confirm"),
    path("orders/<int:pk>/cancel/", portal.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/photo/<str:which>/", portal.order_photo, name="order_photo"),
    # Points, rewards, certificates
    path("points/", portal.PointsView.as_view(), name="points"),
    path("rewards/", portal.RewardListView.as_view(), name="rewards"),
    path("rewards/<int:pk>/redeem/", portal.reward_redeem, name="reward_redeem"),
    path(
        "redemptions/<int:pk>/cancel/",
        portal.redemption_cancel,
        name="redemption_cancel",
    ),
    path("certificate/", portal.certificate_issue, name="certificate_issue"),
    path("certificate.pdf", portal.certificate_download, name="certificate"),
    path(
        "certificates/<str:code>/",
        portal.certificate_verify,
        name="certificate_verify",
    ),
]

manage_patterns = [
    path(
        "volunteering/requests/",
        manage.HelpRequestListView.as_view(),
        name="help_request_list",
    ),
    path(
        "volunteering/requests/<int:pk>/",
        manage.HelpRequestDetailView.as_view(),
        name="help_request_detail",
    ),
    path(
        "volunteering/requests/<int:pk>/accept/",
        manage.help_request_accept,
        name="help_request_accept",
    ),
    path(
        "volunteering/requests/<int:pk>/handle/",
        manage.help_request_handle,
        name="help_request_handle",
    ),
    path(
        "volunteering/requests/<int:pk>/close/",
        manage.help_request_close,
        name="help_request_close",
    ),
    path(
        "volunteering/requests/<int:pk>/order/",
        manage.help_request_to_order,
        name="help_request_to_order",
    ),
    path("venues/<int:pk>/help-poster/", manage.help_poster, name="help_poster"),
    path("volunteering/pick-up/", manage.pick_up, name="reward_pick_up"),
    path("volunteering/activities/", manage.team_activities, name="team_activities"),
    path(
        "volunteering/activities/<int:pk>/team/",
        manage.team_activity_link,
        name="team_activity_link",
    ),
    path(
        "volunteering/activities/<int:pk>/hours/",
        manage.team_activity_hours,
        name="team_activity_hours",
    ),
]

console_patterns = [
    path(
        "volunteering/requests/",
        console.HelpRequestListView.as_view(),
        name="volunteer_requests",
    ),
    path(
        "volunteering/points-table/",
        console.points_table,
        name="volunteer_points_table",
    ),
    path("volunteering/figures/", console.figures, name="volunteer_figures"),
    path(
        "volunteering/orders/", console.OrderListView.as_view(), name="volunteer_orders"
    ),
    path(
        "volunteering/orders/<int:pk>/dispute/",
        console.order_dispute,
        name="volunteer_order_dispute",
    ),
    path(
        "volunteering/points/adjust/",
        console.points_adjust,
        name="volunteer_points_adjust",
    ),
    path("volunteering/figures.csv", console.figures_csv, name="volunteer_figures_csv"),
    path("volunteering/teams/", console.TeamListView.as_view(), name="volunteer_teams"),
    path("volunteering/teams/new/", console.team_edit, name="volunteer_team_new"),
    path("volunteering/teams/<int:pk>/", console.team_edit, name="volunteer_team_edit"),
    path(
        "volunteering/teams/<int:pk>/leaders/",
        console.team_leader_add,
        name="volunteer_team_leader_add",
    ),
    path(
        "volunteering/leaders/<int:pk>/remove/",
        console.team_leader_remove,
        name="volunteer_team_leader_remove",
    ),
    path(
        "volunteering/teams/<int:pk>/deactivate/",
        console.team_deactivate,
        name="volunteer_team_deactivate",
    ),
    path(
        "volunteering/rewards/",
        console.RewardListView.as_view(),
        name="volunteer_rewards",
    ),
    path("volunteering/rewards/new/", console.reward_edit, name="volunteer_reward_new"),
    path(
        "volunteering/rewards/<int:pk>/",
        console.reward_edit,
        name="volunteer_reward_edit",
    ),
    path(
        "volunteering/rewards/<int:pk>/stock/",
        console.reward_stock,
        name="volunteer_reward_stock",
    ),
    path(
        "volunteering/rewards/<int:pk>/deactivate/",
        console.reward_deactivate,
        name="volunteer_reward_deactivate",
    ),
]
