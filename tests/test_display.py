"""适老化 (elder) mode: a link sets a cookie and goes back; every page then
carries the mode as a class on <html>, and the anonymous page cache keeps the
two modes apart."""

from django.urls import reverse

from qunxian import display
from tests.test_hostile_input import HOSTILE_NEXT

ELDER_HTML = '<html lang="zh-hans" class="elder">'


def test_the_switch_sets_a_lasting_cookie_and_goes_back(client, db):
    response = client.get(reverse("display", args=["elder"]), {"next": "/venues/?q=x"})
    assert response.status_code == 302 and response["Location"] == "/venues/?q=x"
    cookie = response.cookies[display.COOKIE]
    assert cookie.value == "elder" and cookie["max-age"] == display.COOKIE_AGE
    page = client.get("/venues/").content.decode()
    assert ELDER_HTML in page
    assert reverse("display", args=["standard"]) in page  # the way back

    client.get(reverse("display", args=["standard"]))
    assert ELDER_HTML not in client.get("/venues/").content.decode()


def test_the_switch_refuses_unknown_modes_and_foreign_redirects(client, db):
    assert client.get(reverse("display", args=["huge"])).status_code == 404
    for value in HOSTILE_NEXT:
        response = client.get(reverse("display", args=["elder"]), {"next": value})
        assert response.status_code == 302 and response["Location"] == "/"


def test_an_unknown_cookie_value_draws_the_standard_page(client, db):
    client.cookies[display.COOKIE] = "<script>"
    page = client.get("/").content.decode()
    assert ELDER_HTML not in page and "<script>" not in page.split("<head>")[0]


def test_the_anonymous_cache_keeps_the_modes_apart(client, db):
    """The directory pages are cached per URL: one visitor's elder mode must not
    reach the next visitor, nor the other way round."""
    for path in ("/venues/", "/venues/map/"):
        assert ELDER_HTML not in client.get(path).content.decode()  # now cached
        client.cookies[display.COOKIE] = display.ELDER
        assert ELDER_HTML in client.get(path).content.decode()
        del client.cookies[display.COOKIE]
        assert ELDER_HTML not in client.get(path).content.decode()
