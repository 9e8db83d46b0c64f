"""Long names wrap: no signed-in page scrolls sideways, down to 320 CSS pixels (WCAG 1.4.10)."""

import pytest

from eprocedures.addressbook.models import Contact
from tests.factories import PASSWORD, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG = "Wolfeschlegelsteinhausenbergerdorff" * 3  # 105 letters, no space: cut to 100
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("width", [1280, 320])
def test_a_hundred_letter_name_does_not_push_the_page_sideways(
        live_server, settings, page, axe_check, width):
    settings.ETS_SITE_URL = live_server.url
    user = person("long.nom@example.fr", last_name=LONG[:100], first_name=LONG[:60])
    Contact.objects.create(
        owner=user, kind="physique", civility="M", last_name=LONG[:100], first_name="Jean",
        country="FR", street_name=LONG[:100], postal_code="69001", city="Lyon")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("#panel-password button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")

    for path in ["/", "/mes-informations/", "/carnet-adresses/"]:
        page.goto(live_server.url + path)
        page.locator(".user-menu summary").click()  # the open menu must fit too
        assert page.evaluate(OVERFLOW) <= 0, f"{path} scrolls sideways at {width}px"
        axe_check(page, f"{path} at {width}px with the menu open")
