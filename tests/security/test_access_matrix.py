"""The access matrix (``access_matrix.py``) run against the product: every route has its row; each row's
cells (role × relation of the target to the caller) answer as the row says, one request per cell; refused
writes change nothing; lists stay in the caller's subtree; fields a caller may not set are refused."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.access_matrix import API, RELATIONS, ROLES, WEB, Rule, expected

UNIT_OF = {
    "own": "BP-BGM",
    "descendant": "BP-BGM-XPN",
    "ancestor": "BP",
    "sibling": "BP-DX",
    "another_province": "HN",
}
CALLER_UNIT = "BP-BGM"


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ns + (f"{p.namespace}:" if p.namespace else "")
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns + (p.name or ""), p


def ninja_apis() -> dict[str, Any]:
    """Every NinjaAPI the URLs mount, by namespace (the REST API, the DHIS2-compatible one, any later)."""
    import sys

    from ninja import NinjaAPI

    get_resolver().url_patterns  # noqa: B018 - imports every urls module, and the APIs with them
    found: dict[str, Any] = {}
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("ketnoi."):
            for value in vars(module).values():
                if isinstance(value, NinjaAPI):
                    found[value.urls_namespace] = value
    return found


# Where each API's paths are called (its key prefix in access_matrix.API).
API_PREFIX = {"api": "/api/v1", "dhis2": "/api"}


def web_routes() -> dict[str, str]:
    """Every server-rendered route of the URL resolver (the APIs' are read from their schemas)."""
    apis = set(ninja_apis())
    return {
        name: route
        for route, name, _p in _walk(get_resolver().url_patterns)
        if name.split(":", 1)[0] not in apis
    }


def api_operations() -> set[str]:
    ops = set()
    for namespace, api in ninja_apis().items():
        prefix = API_PREFIX.get(namespace, f"/{namespace}")
        schema = api.get_openapi_schema(path_prefix=prefix)
        ops |= {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}
    return ops


def test_every_route_and_operation_has_exactly_one_row() -> None:
    web = set(web_routes())
    assert not web - set(WEB), (
        f"web routes without a row in tests/security/access_matrix.py: {sorted(web - set(WEB))}"
    )
    assert not set(WEB) - web, f"rows for web routes that no longer exist: {sorted(set(WEB) - web)}"
    ops = api_operations()
    assert not ops - set(API), (
        f"API operations without a row in tests/security/access_matrix.py: {sorted(ops - set(API))}"
    )
    assert not set(API) - ops, f"rows for API operations that no longer exist: {sorted(set(API) - ops)}"


# --- The world: two provinces, a sample target in each relation, a caller per role --------------------


@pytest.fixture
def world(province: Any, make_person: Any) -> dict[str, Any]:
    from ketnoi.accounts.services import api_token_create
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.pages.services import page_register
    from ketnoi.units.models import Unit
    from ketnoi.units.services import unit_create

    unit_create(code="HN", name="Thành phố Hà Nội", kind="province", level="province", parent=None, by=SYSTEM)
    units = {rel: Unit.objects.get(code=code) for rel, code in UNIT_OF.items()}
    pages = {
        rel: page_register(
            unit=u,
            platform="website",
            name=f"Cổng thông tin {u.code}",
            url=f"https://{u.code.lower()}.example.gov.vn",
            by=SYSTEM,
        )
        for rel, u in units.items()
    }
    people = {rel: make_person(f"p_{rel}", u.code, [("viewer", u.code)]) for rel, u in units.items()}
    callers: dict[str | None, tuple[Client, str]] = {None: (Client(), "")}
    for role in ROLES:
        person = make_person(f"r_{role}", CALLER_UNIT, [(role, CALLER_UNIT)])
        web = Client()
        web.force_login(person)
        _t, raw = api_token_create(user=person, name="matrix", by=person)
        callers[role] = (web, raw)
    return {"unit": units, "page": pages, "person": people, "callers": callers}


def _kwargs(route: str, target: Any, kind: str) -> dict[str, Any]:
    names = {part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]}
    names |= {part.split("}")[0] for part in route.split("{")[1:]}
    values: dict[str, Any] = {}
    for name in names:
        if target is not None and kind == "unit" and name in ("code", "unit_code"):
            values[name] = target.code
        elif target is not None and kind in ("page", "person") and name in ("pk", "page_id", "user_id"):
            values[name] = target.pk
        elif name in (
            "pk",
            "page_id",
            "user_id",
            "token_id",
            "grant_id",
            "admin_pk",
            "doc_id",
            "task_id",
        ) or name in ("story_id", "publication_id", "kit_id", "candidate_id"):
            values[name] = 999999
        elif name == "fmt":
            values[name] = "csv"
        elif name == "period_id" or name == "period":
            values[name] = "202401"
        else:
            values[name] = "ZZ"
    return values


def _web_url(name: str, route: str, target: Any, kind: str) -> str:
    kwargs = _kwargs(route, target, kind)
    try:
        return reverse(name, kwargs=kwargs) if kwargs else reverse(name)
    except Exception:  # noqa: BLE001 - a converter refused a dummy value: try the pattern literally
        url = "/" + route
        for key, value in kwargs.items():
            for conv in ("int", "str", "slug", "path", ""):
                url = url.replace(f"<{conv}:{key}>" if conv else f"<{key}>", str(value))
        return url


def _api_url(key: str, target: Any, kind: str) -> tuple[str, str]:
    method, path = key.split(" ", 1)
    for name, value in _kwargs(path, target, kind).items():
        path = path.replace("{" + name + "}", str(value))
    return method, path


def _answer(response: Any) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status == 401 or (status == 302 and response["Location"].startswith("/accounts/login/")):
        return "login"
    if status in (403, 404):
        return "refused"
    if status == 405:
        return "method not allowed"
    return "allowed"


def _call(caller: tuple[Client, str], method: str, url: str, body: Any = None, api: bool = False) -> Any:
    client, token = caller
    extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if api and token else {}
    if api:
        client = Client() if token else client
        if method == "GET":
            return client.get(url, **extra)
        return client.generic(method, url, json.dumps(body or {}), content_type="application/json", **extra)
    if method == "GET":
        return client.get(url)
    return client.post(url, body or {})


SNAPSHOT: dict[str, Callable[[Any], dict[str, Any]]] = {
    "unit": lambda u: model_to_dict(type(u).objects.get(pk=u.pk)),
    "page": lambda p: model_to_dict(type(p).objects.get(pk=p.pk)),
    "person": lambda p: {
        **model_to_dict(type(p).objects.get(pk=p.pk), exclude=["groups", "user_permissions"]),
        "grants": sorted(p.grants.values_list("role", "unit_id")),
    },
}


def _rows() -> list[tuple[str, Rule, bool]]:
    return [(k, r, False) for k, r in WEB.items()] + [(k, r, True) for k, r in API.items()]


FUTURE = "2099-01-01"  # reorganisations dated far ahead stay pending: the sample tree keeps its shape


def _body(key: str, target: Any) -> dict[str, Any]:
    """A body the operation accepts, so a refusal comes from the gate and not from validation."""
    parent = getattr(getattr(target, "get_parent", lambda: None)(), "code", None) or "BP"
    unit_code = getattr(getattr(target, "unit", None), "code", None) or getattr(target, "code", "BP")
    bodies: dict[str, dict[str, Any]] = {
        "POST /api/v1/users/{user_id}/roles": {"role": "viewer", "unit_code": unit_code},
        "PATCH /api/v1/units/{code}": {"short_name": "Mới"},
        "POST /api/v1/units/{code}/rename": {"effective_date": FUTURE, "new_name": "Tên mới"},
        "POST /api/v1/units/{code}/move": {"effective_date": FUTURE, "new_parent_code": parent},
        "POST /api/v1/units/{code}/merge": {"effective_date": FUTURE, "source_codes": ["BP-BGM-XDK"]},
        "POST /api/v1/units/{code}/split": {
            "effective_date": FUTURE,
            "parts": [{"code": "NEW-A", "name": "A"}, {"code": "NEW-B", "name": "B"}],
            "heir_code": "NEW-A",
        },
        "POST /api/v1/units/{code}/dissolve": {"effective_date": FUTURE},
        "PATCH /api/v1/pages/{page_id}": {"notes": "Ghi chú"},
        "POST /api/v1/pages/{page_id}/metrics": {"day": "2026-01-01", "followers": 5},
        "PUT /api/v1/pages/{page_id}/credentials": {"access_token": "EAAB-matrix-token-1234567"},
        "accounts:person_edit": {"full_name": "Đổi tên", "unit": unit_code, "is_active": "on"},
        "accounts:person_set_password": {"password": "matrix-long-password-9"},
        "accounts:role_add": {"role": "viewer", "unit": unit_code},
        "accounts:personal_data_erase": {"confirm": getattr(target, "username", "")},
        "units:edit_details": {"short_name": "Mới"},
        "pages:snapshot_add": {"day": "01/01/2026", "followers": "5"},
        "pages:status": {"status": "retired"},
        "pages:review": {"two_factor": "on"},
        "core:set_language": {"language": "vi"},
    }
    return bodies.get(key, {})


def test_every_cell_answers_as_the_matrix_says_and_refused_writes_change_nothing(
    world: dict[str, Any],
) -> None:
    routes = web_routes()
    wrong: list[str] = []
    cells = 0
    for key, rule, is_api in _rows():
        kind = rule.target
        for role in (None, *ROLES):
            if not kind and role is not None:
                continue  # rows without a sampled target: the anonymous cell only
            for relation in RELATIONS if kind else ("own",):
                target = world[kind][relation] if kind else None
                if is_api:
                    method, url = _api_url(key, target, kind)
                else:
                    method, url = ("POST" if rule.write else "GET"), _web_url(key, routes[key], target, kind)
                before = SNAPSHOT[kind](target) if kind and rule.write else None
                response = _call(world["callers"][role], method, url, _body(key, target), api=is_api)
                cells += 1
                got, want = _answer(response), expected(rule, role, relation)
                changed = before is not None and SNAPSHOT[kind](target) != before
                if got.startswith("error"):
                    wrong.append(f"{key} as {role or 'anonymous'} on {relation}: {got}")
                elif not kind and want == "allowed":
                    pass  # an open route called with made-up ids: anything but a login demand
                elif want == "refused" and not is_api and rule.write and got == "allowed" and not changed:
                    pass  # a server-rendered form answers a refused change with a message; nothing changed
                elif got != want:
                    wrong.append(f"{key} as {role or 'anonymous'} on {relation}: {got}, expected {want}")
                if want != "allowed" and changed:
                    wrong.append(
                        f"{key} as {role or 'anonymous'} on {relation}: refused but changed the target"
                    )
    assert cells > 500
    assert not wrong, "\n".join(wrong)


def _items(body: Any) -> list[dict[str, Any]]:
    return body if isinstance(body, list) else body.get("items", [])


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/v1/units", "code"), ("/api/v1/pages", "unit_code"), ("/api/v1/users", "unit_code")],
)
def test_lists_never_include_rows_outside_the_callers_subtree(
    world: dict[str, Any], path: str, field: str
) -> None:
    for role in ROLES:
        response = _call(world["callers"][role], "GET", path, api=True)
        if response.status_code == 403:
            assert expected(API[f"GET {path}"], role, "own") == "refused", (path, role)
            continue
        rows = _items(response.json())
        outside = [r[field] for r in rows if r.get(field) and not str(r[field]).startswith(CALLER_UNIT)]
        assert not outside, (path, role, outside)
    pages_html = _call(world["callers"]["viewer"], "GET", "/pages/").content.decode()
    assert "Cổng thông tin BP-BGM-XPN" in pages_html
    assert "Cổng thông tin BP-DX" not in pages_html and "Cổng thông tin HN" not in pages_html


def test_fields_a_caller_may_not_set_are_refused_not_ignored(world: dict[str, Any]) -> None:
    admin = world["callers"]["unit_admin"]
    editor = world["callers"]["editor"]
    unit, page, person = world["unit"]["own"], world["page"]["own"], world["person"]["descendant"]
    before = (SNAPSHOT["unit"](unit), SNAPSHOT["page"](page), SNAPSHOT["person"](person))
    # A field the operation does not take at all: 422 naming it, nothing applied.
    for method, url, body, name in [
        ("PATCH", f"/api/v1/units/{unit.code}", {"name": "Tên mới", "code": "BP-X"}, "code"),
        ("PATCH", f"/api/v1/units/{unit.code}", {"parent_code": "HN"}, "parent_code"),
        (
            "POST",
            f"/api/v1/users/{person.pk}/roles",
            {"role": "viewer", "unit_code": "BP-BGM-XPN", "status": "x"},
            "status",
        ),
        (
            "PUT",
            f"/api/v1/pages/{page.pk}/credentials",
            {"access_token": "EAAB-x-123456789", "url": "https://x"},
            "url",
        ),
    ]:
        response = _call(admin, method, url, body, api=True)
        assert response.status_code == 422, (url, body, response.content)
        assert name in response.json()["error"]["fields"], response.json()
        assert "Không được đặt trường này" in response.json()["error"]["fields"][name]
    # A field the operation takes, set to somewhere the caller may not act: refused, not applied.
    moved = _call(editor, "PATCH", f"/api/v1/pages/{page.pk}", {"unit_code": "BP-DX"}, api=True)
    assert moved.status_code == 403, moved.content
    granted = _call(
        admin,
        "POST",
        f"/api/v1/users/{person.pk}/roles",
        {"role": "approver", "unit_code": "BP-BGM"},
        api=True,
    )
    assert granted.status_code == 403, granted.content  # a unit admin lacks the approver's rights
    admin_role = _call(
        admin,
        "POST",
        f"/api/v1/users/{person.pk}/roles",
        {"role": "system_admin", "unit_code": "BP"},
        api=True,
    )
    assert admin_role.status_code == 403, admin_role.content
    assert (SNAPSHOT["unit"](unit), SNAPSHOT["page"](page), SNAPSHOT["person"](person)) == before


def test_who_may_manage_whom(world: dict[str, Any], make_person: Any) -> None:
    """A unit admin manages people of their subtree with no rights beyond theirs, never themself upward."""
    admin = world["callers"]["unit_admin"]
    approver_below = make_person("approver_below", "BP-BGM-XPN", [("approver", "BP-BGM-XPN")])
    viewer_below = world["person"]["descendant"]
    ok = _call(
        admin,
        "POST",
        f"/api/v1/users/{viewer_below.pk}/roles",
        {"role": "editor", "unit_code": "BP-BGM-XPN"},
        api=True,
    )
    assert ok.status_code == 201, ok.content
    # Someone holding a right the admin lacks (approve) is not theirs to manage.
    before = SNAPSHOT["person"](approver_below)
    refused = _call(
        admin,
        "POST",
        f"/api/v1/users/{approver_below.pk}/roles",
        {"role": "viewer", "unit_code": "BP-BGM-XPN"},
        api=True,
    )
    assert refused.status_code == 403 and SNAPSHOT["person"](approver_below) == before
    assert _call(admin, "GET", f"/accounts/people/{approver_below.pk}/").status_code in (200, 403)
