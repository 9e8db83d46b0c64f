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


def test_staff_sign_in_through_the_portal_not_djangos_admin_login(client):
    from .conftest import PASSWORD

    staff = User.objects.create_superuser("support@inpi.example", PASSWORD)

    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/connexion/?next=%2Fadmin%2F"
    # Django's form is gone: a password posted there signs nobody in and is not checked.
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session

    response = client.post("/connexion/?next=/admin/", {"email": staff.email,
                                                        "password": PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(event="signin.success", user=staff).exists()


def test_a_blocked_staff_account_is_blocked_for_the_admin_too(client):
    from django.utils import timezone

    from .conftest import PASSWORD

    staff = User.objects.create_superuser("support@inpi.example", PASSWORD)
    User.objects.filter(pk=staff.pk).update(blocked_at=timezone.now(), failed_login_count=5)

    response = client.post("/connexion/?next=/admin/", {"email": staff.email,
                                                        "password": PASSWORD})
    assert "Votre compte est bloqué" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_visitor_who_is_not_staff_is_refused_without_a_loop(client):
    client.force_login(make_user())

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_staff_who_may_only_view_accounts_cannot_act_on_them(client):
    from django.contrib.auth.models import Permission
    from django.utils import timezone

    viewer = make_user("lecture@inpi.example", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    blocked = make_user("bloque@example.fr")
    User.objects.filter(pk=blocked.pk).update(blocked_at=timezone.now())
    client.force_login(viewer)

    page = client.get("/admin/accounts/user/").content.decode()
    assert "unblock" not in page and "resend_activation" not in page
    client.post("/admin/accounts/user/", {"action": "unblock",
                                          "_selected_action": [blocked.pk]})

    blocked.refresh_from_db()
    assert blocked.is_blocked
    assert not AuditEvent.objects.filter(event="account.unblocked").exists()


def test_the_audit_log_cannot_be_deleted_even_by_a_superuser(desk):
    user = make_user()
    event = AuditEvent.objects.create(event="signin.failure", outcome="failure", user=user)

    assert desk.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}
                     ).status_code == 403
    desk.post("/admin/audit/auditevent/", {"action": "delete_selected",
                                           "_selected_action": [event.pk], "post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_changes_and_deletions_from_the_admin_are_audited(desk):
    user = make_user("marie.curie@example.fr")
    url = f"/admin/accounts/user/{user.pk}/change/"
    form = desk.get(url).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name)
            is not None}
    data.update({"is_active": "", "is_staff": "on", "email": "autre@example.fr",
                 "additional_phones-TOTAL_FORMS": "0", "additional_phones-INITIAL_FORMS": "0"})
    data = {k: v for k, v in data.items() if v not in (False, None, [])}
    data.pop("is_active", None)

    response = desk.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "marie.curie@example.fr"  # read-only here
    assert (user.is_active, user.is_staff) == (False, True)
    event = AuditEvent.objects.get(event="account.changed_by_support")
    assert event.user == user and event.detail["staff"] == "support@inpi.example"
    assert {"is_active", "is_staff"} <= set(event.detail["fields"])

    desk.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=user.pk).exists()
    deleted = AuditEvent.objects.get(event="account.deleted_by_support")
    assert (deleted.email, deleted.detail["account_id"]) == ("marie.curie@example.fr", user.pk)
    # The account's earlier events stay, without the account.
    assert AuditEvent.objects.get(event="account.changed_by_support").user is None


def test_staff_change_their_password_and_sign_out_through_the_portal(desk):
    assert desk.get("/admin/password_change/")["Location"] == "/mes-informations/mot-de-passe/"
    assert desk.get("/admin/password_change/done/")["Location"] == "/mes-informations/"
    response = desk.post("/admin/logout/")
    assert response["Location"] == "/connexion/"
    assert "_auth_user_id" not in desk.session
    assert AuditEvent.objects.filter(event="signout").exists()


def test_an_accounts_events_keep_its_address_after_it_is_deleted(desk):
    from django.test import RequestFactory

    from eprocedures.audit.services import record

    user = make_user("marie.curie@example.fr")
    record(RequestFactory().get("/"), "myinfo.verification_failed", user=user, success=False)
    desk.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})

    event = AuditEvent.objects.get(event="myinfo.verification_failed")
    assert (event.user, event.email) == (None, "marie.curie@example.fr")
