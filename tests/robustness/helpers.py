"""Tools of the robustness walk: the project's routes, the forms of a page, odd values."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver

CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # "carnet-adresses/<int:pk>/modifier/"

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """(converter, name) of each path parameter."""
        return [(m["kind"] or "str", m["name"]) for m in CONVERTER.finditer(self.route)]

    def fill(self, values: dict[str, str]) -> str:
        return "/" + CONVERTER.sub(lambda m: values[m["name"]], self.route)


def project_routes(skip_prefixes=("admin/",)) -> list[Route]:
    """Every named path() of the project (regex routes are the admin's own)."""
    routes = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                    pattern.namespace or namespace)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(skip_prefixes):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                routes.append(Route(name, route))

    walk(get_resolver().url_patterns, "", "")
    return routes


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    # (name, kind, default value, choices); kind: text, hidden, checkbox, radio, select, file,
    # textarea, submit...
    fields: list[tuple[str, str, str, list[str]]] = field(default_factory=list)

    def names(self) -> list[str]:
        return list(dict.fromkeys(name for name, *_ in self.fields))

    def defaults(self) -> dict[str, str]:
        """What a browser would send unchanged (first radio/option when none is chosen)."""
        data: dict[str, str] = {}
        for name, kind, value, choices in self.fields:
            if kind in ("submit", "file"):
                continue
            if kind in ("radio", "checkbox") and value is None:
                continue
            if kind == "select" and value is None:
                value = choices[0] if choices else ""
            data.setdefault(name, value or "")
        return data

    def kinds(self) -> dict[str, str]:
        return {name: kind for name, kind, *_ in self.fields}


class FormParser(HTMLParser):
    """Collects the forms of a page with their fields, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: list | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form((a.get("method") or "get").lower(), a.get("action") or "",
                              a.get("enctype") or "")
            self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[2].append(value)
            if "selected" in a:
                self._select[1] = value
            return
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form.fields.append((name, kind, None, [value]))
            else:
                self._form.fields.append((name, kind, value, [value]))
        elif tag == "button":
            self._form.fields.append((name, "submit", a.get("value", ""), []))
        elif tag == "textarea":
            self._textarea = name
            self._form.fields.append((name, "textarea", "", []))
        elif tag == "select":
            self._select = [name, None, []]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, selected, choices = self._select
            self._form.fields.append((name, "select", selected, choices))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post"]


def action_path(form: Form, page_url: str) -> str:
    if not form.action:
        return page_url
    parts = urlsplit(form.action)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- Odd values ---------------------------------------------------------------------------

HUGE = "é" + "a" * (100 * 1024)
NUL = "Dur\x00and"
CONTROLS = "\u202eDurand\u200b\u0007\ufeff\x1b[31m\u2028\r\n\t\x7f\u0085"
WRONG_TYPES = ["-1", "NaN", "1e309", "[]", "{}", "9" * 400, "oui", "true"]

# Raw bodies that no browser sends but anyone can: invalid UTF-8, broken escapes.
RAW_BODIES = [b"%FF%FE%00=%C0%AF&%zz=%", b"a=%ED%A0%80&&&==&b"]


def odd_variants(form: Form) -> dict[str, dict]:
    """Payloads of a form: every field empty, huge, with NUL, controls, wrong types."""
    names = [n for n in form.names() if n != "csrfmiddlewaretoken"]
    kinds = form.kinds()
    variants = {
        "empty": dict.fromkeys(names, ""),
        "nul": dict.fromkeys(names, NUL),
        "controls": dict.fromkeys(names, CONTROLS),
        # Several values for one field, and values of the wrong type.
        "wrong-type": dict.fromkeys(names, WRONG_TYPES),
    }
    # 100 kB in every field, by groups so that a request stays under Django's 2.5 MB cap
    # (which answers 400 and would stop the field checks from running).
    for start in range(0, max(len(names), 1), 20):
        group = names[start:start + 20]
        variants[f"huge-{start}"] = {**dict.fromkeys(names, ""), **dict.fromkeys(group, HUGE)}
    for payload in variants.values():
        for name in names:
            if kinds.get(name) == "file":
                payload.pop(name, None)
    return variants
