from django.urls import path

from dashboards import views

portal_patterns = [path("", views.UserHomeView.as_view(), name="home")]

manage_patterns = [path("", views.ManagerInboxView.as_view(), name="home")]

console_patterns = [path("", views.ConsoleHomeView.as_view(), name="home")]
