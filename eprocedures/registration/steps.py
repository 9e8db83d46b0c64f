"""The steps of the registration wizard and its state, kept in the session.

The state never travels in hidden fields: what each step received is stored
server-side, in the session, as the raw submitted values (so that a reopened
step shows exactly what was typed), except the secret answers, which are
stored only as hashes. Completing the wizard validates every step again.
"""

import secrets
from dataclasses import dataclass

from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from eprocedures.accounts.forms import (
    ContactDetailsForm,
    IdentifiersForm,
    LegalPersonForm,
    SecretQuestionsForm,
    TermsForm,
)
from eprocedures.accounts.models import hash_secret_answer
from eprocedures.accounts.questions import SECRET_QUESTIONS

from .forms import OtherPhonesForm

SESSION_KEY = "ets_registration"
DONE_KEY = "ets_registration_done"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str  # with %(number)s: the number depends on the path through the wizard
    template: str

    def url(self) -> str:
        if self is TERMS:
            return reverse("registration:terms")
        return reverse("registration:step", kwargs={"slug": self.slug})


IDENTIFIERS = Step("identifiants", _("Etape %(number)s : Mes identifiants"),
                   "registration/steps/simple.html")
INFORMATION = Step("informations", _("Etape %(number)s : Mes informations"),
                   "registration/steps/information.html")
LEGAL_PERSON = Step("personne-morale", _("Etape %(number)s : Ma personne morale"),
                    "registration/steps/simple.html")
QUESTIONS = Step("questions-secretes", _("Etape %(number)s : Mes questions secrètes"),
                 "registration/steps/simple.html")
TERMS = Step("conditions", _("Etape %(number)s : Validation des conditions générales "
                             "d'utilisation"), "registration/steps/terms.html")
ALL_STEPS = {s.slug: s for s in (IDENTIFIERS, INFORMATION, LEGAL_PERSON, QUESTIONS, TERMS)}


@dataclass
class RegistrationData:
    """Everything the wizard gathered, validated: what registration saves."""

    email: str
    mobile_phone: object
    details: dict
    other_phones: list
    legal: dict
    questions: list[tuple[str, str]]  # (question key, answer hash)
    language: str = "fr"


class WizardState:
    """Read and write the wizard's progress in the session."""

    def __init__(self, session):
        self.session = session
        stored = session.get(SESSION_KEY) or {}
        self.values: dict = stored.get("values", {})
        self.done: list = stored.get("done", [])
        self.phone_rows: int = stored.get("phone_rows", 0)
        # Steps completed once that are no longer valid: shown with their errors.
        self.review: list = stored.get("review", [])
        # Names this run of the wizard, so that it registers once (flows.register_once).
        self.id: str = stored.get("id") or secrets.token_urlsafe(16)

    def save(self) -> None:
        self.session[SESSION_KEY] = {
            "values": self.values, "done": self.done, "phone_rows": self.phone_rows,
            "review": self.review, "id": self.id,
        }

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)
        self.values, self.done, self.phone_rows, self.review = {}, [], 0, []

    # --- progress ----------------------------------------------------------------

    def is_legal_person(self) -> bool:
        # The form reads the last value of a repeated field (QueryDict.get): so does this.
        answers = self.values.get(INFORMATION.slug, {}).get("is_legal_person") or [""]
        return answers[-1] == "oui"

    def steps(self) -> list[Step]:
        """The path through the wizard: a legal person has one more step after step 2."""
        path = [IDENTIFIERS, INFORMATION]
        if self.is_legal_person():
            path.append(LEGAL_PERSON)
        return [*path, QUESTIONS, TERMS]

    def current(self) -> Step:
        """The first step not completed yet."""
        return next(s for s in self.steps() if s.slug not in self.done)

    def reachable(self, step: Step) -> bool:
        """A completed step can be reopened; otherwise only the first open step is shown."""
        return step in self.steps() and (step.slug in self.done or step == self.current())

    def is_done(self, step: Step) -> bool:
        return step.slug in self.done

    def all_done_before(self, step: Step) -> bool:
        path = self.steps()
        return all(s.slug in self.done for s in path[: path.index(step)])

    def store(self, step: Step, values: dict, *, done: bool = True) -> None:
        self.values[step.slug] = values
        if done and step.slug not in self.done:
            self.done.append(step.slug)
        if not done and step.slug in self.done:
            self.done.remove(step.slug)

    def reopen(self, step: Step) -> None:
        """Mark a step as to be completed again, keeping what it received and showing why."""
        if step.slug in self.done:
            self.done.remove(step.slug)
        if step.slug not in self.review:
            self.review.append(step.slug)
        self.save()

    def take_review(self, step: Step) -> bool:
        """Whether this step was reopened for its errors (told once)."""
        if step.slug not in self.review:
            return False
        self.review.remove(step.slug)
        self.save()
        return True

    def data(self, step: Step) -> MultiValueDict:
        return MultiValueDict(self.values.get(step.slug, {}))

    def summary(self, open_step: Step) -> list[dict]:
        """What the accordion shows: numbered titles, ✓, links to reopen."""
        rows = []
        for number, step in enumerate(self.steps(), start=1):
            rows.append({
                "step": step,
                "title": step.title % {"number": number},
                "done": self.is_done(step),
                "open": step == open_step,
                "url": step.url() if self.reachable(step) else "",
            })
        return rows


# What is kept of a value typed but not validated yet ("Ajouter un numéro de téléphone").
MAX_KEPT_LENGTH = 300


def raw_values(post, forms: dict) -> dict:
    """The submitted values of the step's own fields, as plain lists."""
    keys = set()
    for form in forms.values():
        for name, form_field in form.fields.items():
            suffixes = getattr(form_field.widget, "widgets_names", [""])
            keys.update(form.add_prefix(name) + suffix for suffix in suffixes)
    return {k: [v[:MAX_KEPT_LENGTH] for v in post.getlist(k)] for k in post if k in keys}


def initial_from(form, data: MultiValueDict) -> dict:
    """Initial values that show what was typed, without running validation."""
    initial = {}
    for name, form_field in form.fields.items():
        widget = form_field.widget
        if hasattr(widget, "widgets_names"):
            keys = [f"{name}{suffix}" for suffix in widget.widgets_names]
            if any(key in data for key in keys):
                initial[name] = [data.get(key, "") for key in keys]
        elif name in data:
            initial[name] = data.get(name)
    return initial


# --- forms of each step ------------------------------------------------------------


def build_forms(step: Step, state: WizardState, data=None) -> dict:
    """The forms of one step, bound to ``data`` when it is a submission."""
    if step is INFORMATION:
        rows = max(state.phone_rows, OtherPhonesForm.rows_in(data or state.data(step)))
        return {"form": ContactDetailsForm(data), "phones": OtherPhonesForm(data, rows=rows)}
    if step is LEGAL_PERSON:
        return {"form": LegalPersonForm(data, country=_country(state))}
    if step is IDENTIFIERS:
        return {"form": IdentifiersForm(data)}
    if step is QUESTIONS:
        return {"form": SecretQuestionsForm(data)}
    return {"form": TermsForm(data)}


def forms_for_display(step: Step, state: WizardState) -> dict:
    """Unbound forms showing what was typed before (secret answers are never shown)."""
    forms = build_forms(step, state)
    stored = state.data(step)
    for form in forms.values():
        form.initial = initial_from(form, stored)
    return forms


def store_step(step: Step, state: WizardState, forms: dict, post) -> None:
    """Keep a valid step in the session; secret answers only as hashes."""
    if step is QUESTIONS:
        cleaned = forms["form"].cleaned_data
        state.store(step, {
            "question_1": [cleaned["question_1"]],
            "question_2": [cleaned["question_2"]],
            "answer_1_hash": [hash_secret_answer(cleaned["answer_1"])],
            "answer_2_hash": [hash_secret_answer(cleaned["answer_2"])],
        })
    else:
        state.store(step, raw_values(post, forms))
    if step is INFORMATION:
        state.phone_rows = len(forms["phones"].fields)
        _recheck_legal_person(state)
    state.save()


def _recheck_legal_person(state: WizardState) -> None:
    """A new country can make the legal-person step invalid (the registration number
    depends on it): it is then reopened, with its errors, before the next steps."""
    if state.is_legal_person() and state.is_done(LEGAL_PERSON):
        form = LegalPersonForm(state.data(LEGAL_PERSON), country=_country(state))
        if not form.is_valid():
            state.reopen(LEGAL_PERSON)


def keep_typed_information(state: WizardState, post) -> None:
    """"Ajouter un numéro de téléphone" without JS: keep what was typed, add a row.

    The step is not validated here; it is marked as not completed so that it
    must be sent with "Valider" again.
    """
    values = raw_values(post, build_forms(INFORMATION, state, post))
    rows = max(state.phone_rows, OtherPhonesForm.rows_in(values))
    state.phone_rows = rows + 1
    state.store(INFORMATION, values, done=False)
    state.save()


def _country(state: WizardState) -> str:
    return state.values.get(INFORMATION.slug, {}).get("country", ["FR"])[-1]


def collect(state: WizardState, language: str) -> tuple[RegistrationData | None, Step | None]:
    """Validate every stored step again; return the data, or the first step to redo."""
    identifiers = IdentifiersForm(state.data(IDENTIFIERS))
    if not identifiers.is_valid():
        return None, IDENTIFIERS
    info = build_forms(INFORMATION, state, state.data(INFORMATION))
    if not all(f.is_valid() for f in info.values()):
        return None, INFORMATION
    details = dict(info["form"].cleaned_data)
    legal = {}
    if details["is_legal_person"]:
        form = LegalPersonForm(state.data(LEGAL_PERSON), country=_country(state))
        if not form.is_valid():
            return None, LEGAL_PERSON
        legal = form.cleaned_data
    questions = state.data(QUESTIONS)
    known = dict(SECRET_QUESTIONS)
    pairs = [(questions.get(f"question_{i}"), questions.get(f"answer_{i}_hash")) for i in (1, 2)]
    if not all(q in known and h for q, h in pairs) or pairs[0][0] == pairs[1][0]:
        return None, QUESTIONS
    return RegistrationData(
        email=identifiers.cleaned_data["email"],
        mobile_phone=identifiers.cleaned_data["mobile_phone"],
        details=details,
        other_phones=info["phones"].numbers(),
        legal=dict(legal),
        questions=pairs,
        language=language,
    ), None
