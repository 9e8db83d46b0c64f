import pytest

from eprocedures.accounts.models import User
from eprocedures.audit.models import AuditEvent
from eprocedures.outbox.models import OutgoingEmail

from .conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, db):
    staff = User.objects.create_superuser("support@inpi.example", "Support;42Desk")
    client.force_login(staff)
    return client


def test_search_by_email_or_name_shows_the_state(desk):
    make_user("marie.curie@example.fr")
    make_user("pierre@example.fr", activated=False, last_name="Dupont", first_name="Pierre")
    blocked = make_user("bloque@example.fr", last_name="Martin")
    User.objects.filter(pk=blocked.pk).update(blocked_at="2026-01-01T00:00:00Z")

    by_name = desk.get("/admin/accounts/user/", {"q": "dupont"}).content.decode()
    assert "pierre@example.fr" in by_name and "marie.curie@example.fr" not in by_name
    assert "en attente d&#x27;activation" in by_name

    by_email = desk.get("/admin/accounts/user/", {"q": "curie@example"}).content.decode()
    assert "marie.curie@example.fr" in by_email
    assert '<td class="field-state">actif</td>' in by_email

    blocked_page = desk.get("/admin/accounts/user/", {"etat": "bloque"}).content.decode()
    assert "bloque@example.fr" in blocked_page and "pierre@example.fr" not in blocked_page
    assert "<td class=\"field-state\">bloqué</td>" in blocked_page


def test_change_page_shows_recent_events(desk, client):
    user = make_user()
    AuditEvent.objects.create(event="signin.failure", outcome="failure", user=user,
                              ip="203.0.113.5", detail={"reason": "wrong_password"})

    html = desk.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()

    assert "signin.failure" in html
    assert "203.0.113.5" in html
    assert "wrong_password" in html
    assert f"/admin/audit/auditevent/?user__id__exact={user.pk}" in html


def test_unblock_action(desk):
    user = make_user()
    User.objects.filter(pk=user.pk).update(blocked_at="2026-01-01T00:00:00Z", failed_login_count=5)

    response = desk.post("/admin/accounts/user/", {
        "action": "unblock", "_selected_action": [user.pk]}, follow=True)

    assert "1 compte débloqué." in response.content.decode()
    user.refresh_from_db()
    assert (user.failed_login_count, user.blocked_at) == (0, None)
    event = AuditEvent.objects.get(event="account.unblocked")
    assert event.user == user and event.detail["staff"] == "support@inpi.example"


def test_resend_activation_action(desk):
    pending = make_user("pierre@example.fr", password=None, activated=False)
    active = make_user()

    response = desk.post("/admin/accounts/user/", {
        "action": "resend_activation", "_selected_action": [pending.pk, active.pk]}, follow=True)

    html = response.content.decode()
    assert "Lien d&#x27;activation renvoyé à 1 compte." in html
    assert "1 compte déjà activé n&#x27;a rien reçu." in html
    [email] = OutgoingEmail.objects.all()
    assert (email.kind, email.to) == ("activation", "pierre@example.fr")


def test_desk_is_for_staff_only(client, db):
    user = make_user()
    client.force_login(user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
