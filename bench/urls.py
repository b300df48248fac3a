"""The project's URLs plus the bare view every figure is compared with."""

from django.http import HttpResponse
from django.urls import path

from qunxian.urls import handler403, handler404, handler500
from qunxian.urls import urlpatterns as project

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/ok", ok, name="bench_ok"), *project]
