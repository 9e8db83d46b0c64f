import time

from django.test import Client

from eprocedures.audit.models import AuditEvent
from tests.concurrency import in_parallel

from .conftest import ANSWERS, PASSWORD, form_errors, mails_to, make_user, sign_in

WRONG = {"answer_1": "Martin", "answer_2": "Judo"}
THROTTLED = ("Trop de réponses erronées : pour votre sécurité, cette opération est suspendue. "
             "Réessayez dans 15 minutes.")


def test_wrong_answers_are_throttled_per_account(signed_in, user, settings):
    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 3
    settings.ETS_SECRET_ANSWER_WINDOW_MINUTES = 15
    errors = [form_errors(signed_in.post("/mes-informations/courriel/", WRONG))
              for _ in range(3)]

    assert errors[:2] == [["Les réponses ne correspondent pas à vos questions secrètes."]] * 2
    assert errors[2] == [THROTTLED]
    # Even the right answers are refused now, and not checked.
    response = signed_in.post("/mes-informations/courriel/", ANSWERS)
    assert form_errors(response) == [THROTTLED]
    assert AuditEvent.objects.filter(event="myinfo.verification_failed").count() == 3
    assert AuditEvent.objects.filter(event="myinfo.verification_throttled", user=user).count() == 1
    # The owner is told once, when the limit is reached.
    [notice] = mails_to(user.email)
    assert notice.subject == "Réponses erronées sur votre compte"
    assert "suspendue pendant 15 minutes" in notice.body_text
    # The mobile change and the password pages share the same counter.
    assert form_errors(signed_in.post("/mes-informations/mobile/", ANSWERS)) == [THROTTLED]
    response = signed_in.post("/mes-informations/mot-de-passe/", {
        "current_password": PASSWORD, "password1": "Falaise:Rouge42",
        "password2": "Falaise:Rouge42"})
    assert form_errors(response) == [THROTTLED]


def test_wrong_current_passwords_count_too(signed_in, settings):
    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 2
    signed_in.post("/mes-informations/questions-secretes/", ANSWERS)  # the current ones first
    for _ in range(2):
        signed_in.post("/mes-informations/questions-secretes/", {
            "current_password": "Faux;Mot2passe", "question_1": "first_pet", "answer_1": "Rex",
            "question_2": "first_car", "answer_2": "Fiat"})

    assert form_errors(signed_in.post("/mes-informations/courriel/", ANSWERS)) == [THROTTLED]


def test_the_window_ends_the_throttle(signed_in, settings, monkeypatch):
    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 1
    signed_in.post("/mes-informations/courriel/", WRONG)
    assert form_errors(signed_in.post("/mes-informations/courriel/", ANSWERS)) == [THROTTLED]

    real = time.time
    monkeypatch.setattr("eprocedures.lib.throttle.time.time", lambda: real() + 15 * 60 + 1)

    response = signed_in.post("/mes-informations/courriel/", ANSWERS)
    assert response["Location"] == "/mes-informations/courriel/nouvelle-adresse/"


def test_right_answers_reset_the_account_counter(signed_in, settings):
    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 2
    signed_in.post("/mes-informations/courriel/", WRONG)
    signed_in.post("/mes-informations/courriel/", ANSWERS)

    response = signed_in.post("/mes-informations/courriel/", WRONG)

    assert form_errors(response) == ["Les réponses ne correspondent pas à vos questions secrètes."]


def test_wrong_answers_are_throttled_per_client_address(db, settings):
    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 10
    settings.ETS_SECRET_ANSWER_MAX_FAILURES_PER_IP = 3
    clients = [sign_in(Client(REMOTE_ADDR="203.0.113.7"), make_user(f"u{i}@example.fr"))
               for i in range(4)]
    for c in clients[:3]:
        c.post("/mes-informations/courriel/", WRONG)

    # A fourth account from the same address is refused, one elsewhere is not.
    assert form_errors(clients[3].post("/mes-informations/courriel/", ANSWERS)) == [THROTTLED]
    elsewhere = sign_in(Client(REMOTE_ADDR="198.51.100.1"), make_user("v@example.fr"))
    response = elsewhere.post("/mes-informations/courriel/", ANSWERS)
    assert response["Location"] == "/mes-informations/courriel/nouvelle-adresse/"


def test_parallel_attempts_are_checked_no_more_than_the_limit(monkeypatch, settings, db):
    import threading

    from django.test import RequestFactory

    from eprocedures.myinfo import flows

    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 5
    settings.ETS_SECRET_ANSWER_MAX_FAILURES_PER_IP = 100
    user = make_user()
    # Only the counting is under test here: the audit rows and the notice go nowhere.
    monkeypatch.setattr(flows, "record", lambda *args, **kwargs: None)
    monkeypatch.setattr(flows.emails, "send_verification_locked", lambda user: None)
    attempts = 16
    checked, lock = [], threading.Lock()

    def slow_wrong_answer():
        with lock:
            checked.append(1)
        time.sleep(0.05)  # every attempt is in flight while the others start
        return False

    requests = [RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{n}")
                for n in range(attempts)]
    verdicts = in_parallel(
        lambda request: flows.verify(request, user, "secret_answers", slow_wrong_answer),
        requests)

    assert len(checked) == 5
    assert len(verdicts) == attempts
    assert verdicts.count(flows.Verdict.THROTTLED) == attempts - 4  # the 5th reaches the limit
    assert verdicts.count(flows.Verdict.WRONG) == 4


def test_a_right_attempt_is_taken_back_and_nothing_more(user, settings):
    from django.test import RequestFactory

    from eprocedures.myinfo import flows

    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 5
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.9")
    for _ in range(3):
        assert flows.verify(request, user, "secret_answers", lambda: False) is flows.Verdict.WRONG

    assert flows.verify(request, user, "password", lambda: True) is flows.Verdict.RIGHT

    # The right password counts for nothing, and wipes nothing: the wrong answers stay.
    assert flows.account_throttle().count(str(user.pk)) == 3
    assert flows.address_throttle().count("198.51.100.9") == 3


def test_right_passwords_between_wrong_answers_do_not_reopen_the_guessing(
        signed_in, user, settings):
    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 3
    for _ in range(2):
        signed_in.post("/mes-informations/courriel/", WRONG)
        # A right password with new passwords that do not match: nothing changes.
        signed_in.post("/mes-informations/mot-de-passe/", {
            "current_password": PASSWORD, "password1": "Falaise:Rouge42",
            "password2": "Falaise:Rouge43"})
    response = signed_in.post("/mes-informations/courriel/", WRONG)

    assert form_errors(response) == [THROTTLED]
    assert AuditEvent.objects.filter(event="myinfo.verification_throttled").count() == 1
