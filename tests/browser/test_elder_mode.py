"""适老化 (elder) mode, as the MIIT guideline for public-service apps asks:
switched from every page without JavaScript, remembered without an account,
body text of 18 px and more, a largest size of 30 px and more, line height
1.3 and more, tap targets of 60 × 60 px, and a home of four big tiles."""

import datetime

from django.utils import translation
from playwright.sync_api import expect

from qunxian import display
from tests.browser.conftest import PHONE
from tests.factories import VenueFactory

MEASURE = """() => {
  const px = (el, prop) => parseFloat(getComputedStyle(el)[prop]);
  const body = document.body;
  const sizes = [...document.querySelectorAll("main *")]
    .filter((el) => el.checkVisibility() && el.childNodes.length &&
      [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
    .map((el) => px(el, "fontSize"));
  const targets = [...document.querySelectorAll(
    "main .button, main input[type=search], main select, .bottomnav a, " +
    ".mode-switch, main .door"
  )].filter((el) => el.checkVisibility()).map((el) => {
    const box = el.getBoundingClientRect();
    const name = (el.innerText || el.name || "").trim();
    return { name, w: box.width, h: box.height };
  });
  return {
    body: px(body, "fontSize"),
    lineHeight: px(body, "lineHeight") / px(body, "fontSize"),
    largest: Math.max(...sizes),
    smallest: Math.min(...sizes),
    targets,
    doors: [...document.querySelectorAll(".door")]
      .filter((el) => el.checkVisibility()).length,
  };
}"""


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def test_elder_mode_without_javascript_is_big_simple_and_remembered(
    browser, live_server, transactional_db
):
    VenueFactory(name="沈家门渔港职工之家")
    context = browser.new_context(
        **PHONE.context_args, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    standard = page.evaluate(MEASURE)
    assert standard["doors"] == 5
    assert page.locator("html.elder").count() == 0

    page.get_by_role("link", name=zh("Elder mode")).click()
    expect(page).to_have_url(live_server.url + "/")  # back where it was
    expect(page.locator("html")).to_have_class("elder")
    elder = page.evaluate(MEASURE)
    assert elder["body"] >= 18
    assert elder["largest"] >= 30
    assert elder["lineHeight"] >= 1.3
    assert elder["smallest"] >= 14, elder["smallest"]
    small = [t for t in elder["targets"] if t["w"] < 60 or t["h"] < 60]
    assert not small, small
    assert elder["doors"] == 4  # the four most used services, nothing else

    # Another page, and a later visit (a new tab with the saved cookies): still on.
    page.get_by_role("link", name=zh("Venues"), exact=True).click()
    expect(page.locator("html")).to_have_class("elder")
    venue_list = page.evaluate(MEASURE)
    small = [t for t in venue_list["targets"] if t["w"] < 60 or t["h"] < 60]
    assert not small, small
    cookie = next(c for c in context.cookies() if c["name"] == display.COOKIE)
    expires = datetime.datetime.fromtimestamp(cookie["expires"], datetime.UTC)
    assert expires > datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=300)
    later = browser.new_context(
        **PHONE.context_args, locale="zh-CN", storage_state=context.storage_state()
    )
    later_page = later.new_page()
    later_page.goto(live_server.url + "/notices/")
    expect(later_page.locator("html")).to_have_class("elder")

    # Someone else on the same cached directory page sees the standard one.
    other = browser.new_context(**PHONE.context_args, locale="zh-CN")
    other_page = other.new_page()
    other_page.goto(live_server.url + "/venues/")
    assert other_page.locator("html.elder").count() == 0

    page.get_by_role("link", name=zh("Standard mode")).click()
    assert page.locator("html.elder").count() == 0
    for opened in (context, later, other):
        opened.close()
