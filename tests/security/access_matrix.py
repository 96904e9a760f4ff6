"""THE access matrix: every web route and every API operation, with who may use it and on what.

Generated from the code: ``test_access_matrix.py`` lists every route of the URL resolver and every
operation of the OpenAPI schema and fails when one has no entry here (or an entry names a route that is
gone), so a new route cannot ship without its row. Each row is a ``Rule``; the expected answer of each
cell — role × relation of the target to the caller — comes from ``expected()`` below and the role → verbs
table of ``ketnoi.core.permissions``, so the whole matrix is this file.

Relations: the caller holds a role on BP-BGM (a district); the target is in ``own`` (BP-BGM), a ``descendant``
(commune BP-BGM-XPN), an ``ancestor`` (province BP), a ``sibling`` (district BP-DX) or ``another province``
(HN); ``anonymous`` is a caller with no login. Rows with a ``target`` are run for every cell (one request
each); rows without one (their URL names an object no sampler builds: a report, a story, a document...) are
run for the anonymous cell, and their objects' own tests carry the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketnoi.core.permissions import ROLE_VERBS

ROLES = ("viewer", "editor", "data_entry", "approver", "unit_admin")
RELATIONS = ("own", "descendant", "ancestor", "sibling", "another_province")
IN_SUBTREE = {"own", "descendant"}


@dataclass(frozen=True)
class Rule:
    who: str  # "anyone", "signed_in" (one's own things), a verb on the target's unit, or "system"
    target: str = ""  # "unit", "page" or "person": how the URL names its target (sampled per relation)
    write: bool = False  # a POST/PUT/PATCH/DELETE that changes the target
    lists: str = ""  # a list whose rows must stay in the caller's subtree ("units", "pages", "users")
    below: bool = False  # the right covers the units strictly below the caller's (reshaping a unit itself)


def anyone() -> Rule:
    return Rule("anyone")


def signed_in(*, write: bool = False) -> Rule:
    return Rule("signed_in", write=write)


def on(verb: str, target: str = "", *, write: bool = False, lists: str = "", below: bool = False) -> Rule:
    """``verb`` may be several, ``"edit|enter_data"``: any one of them is enough."""
    return Rule(verb, target=target, write=write, lists=lists, below=below)


def expected(rule: Rule, role: str | None, relation: str) -> str:
    """``allowed``, ``refused`` (403/404) or ``login`` (401, or the web's redirect to the login page)."""
    if rule.who == "anyone":
        return "allowed"
    if role is None:
        return "login"
    if rule.who == "signed_in":
        return "allowed"
    if rule.who == "system":
        return "refused"
    holds = any(verb in ROLE_VERBS[role] for verb in rule.who.split("|"))
    if not rule.target:
        return "allowed" if holds else "refused"
    inside = relation == "descendant" if rule.below else relation in IN_SUBTREE
    return "allowed" if holds and inside else "refused"


WEB: dict[str, Rule] = {
    "home-root": signed_in(),
    "core:home": signed_in(),
    "core:set_language": Rule("anyone", write=True),
    "core:healthz": anyone(),
    "core:file": signed_in(),
    "core:plotly_js": anyone(),
    "accounts:login": anyone(),
    "accounts:logout": signed_in(write=True),
    "accounts:profile": signed_in(),
    "accounts:profile_update": signed_in(write=True),
    "accounts:password_change": signed_in(write=True),
    "accounts:token_create": signed_in(write=True),
    "accounts:token_revoke": signed_in(write=True),
    "accounts:otp_setup": signed_in(),
    "accounts:people": on("manage"),
    "accounts:person_create": on("manage"),
    "accounts:person_detail": on("manage", "person"),
    "accounts:person_edit": on("manage", "person", write=True),
    "accounts:person_set_password": on("manage", "person", write=True),
    "accounts:role_add": on("manage", "person", write=True),
    "accounts:role_remove": on("manage", write=True),
    "accounts:personal_data_export": on("manage", "person"),
    "accounts:personal_data_erase": on("manage", "person", write=True),
    "accounts:security_events": on("manage"),
    "accounts:security_events_export": on("manage"),
    "units:tree": signed_in(),
    "units:detail": on("view", "unit"),
    "units:reorganise": on("reorganise", "unit", write=True, below=True),
    "units:edit_details": on("manage", "unit", write=True, below=True),
    "pages:list": signed_in(),
    "pages:register": on("edit"),
    "pages:detail": on("view", "page"),
    "pages:edit": on("edit", "page", write=True),
    "pages:snapshot_add": on("edit|enter_data", "page", write=True),
    "pages:status": on("edit", "page", write=True),
    "pages:administrator_add": on("edit", "page", write=True),
    "pages:administrator_remove": on("edit", write=True),
    "pages:review": on("edit", "page", write=True),
    "pages:import": on("edit"),
    "pages:template": signed_in(),
    "pages:checklist": signed_in(),
    "pages:dashboard": signed_in(),
    "pages:dashboard_xlsx": signed_in(),
    "connectors:connection": on("view", "page"),
    "connectors:credential": on("edit", "page", write=True),
    "connectors:disconnect": on("edit", "page", write=True),
    "connectors:pull": on("edit", "page", write=True),
    "connectors:notices": signed_in(),
    "connectors:overview": signed_in(),
    "reporting:home": signed_in(),
    "reporting:pivot": signed_in(),
    "reporting:form": signed_in(),
    "reporting:go": signed_in(),
    "reporting:status": signed_in(),
    "reporting:remind": on("approve", write=True),
    "reporting:approve_many": on("approve", write=True),
    "reporting:template": signed_in(),
    "reporting:upload": on("enter_data", write=True),
    "reporting:entry": on("view"),
    "reporting:save": on("enter_data", write=True),
    "reporting:submit": on("enter_data", write=True),
    "reporting:decide": on("approve", write=True),
    "reporting:value_history": on("view"),
    "directives:home": signed_in(),
    "directives:documents": signed_in(),
    "directives:document_new": on("edit"),
    "directives:document": on("view"),
    "directives:review": on("edit", write=True),
    "directives:reference": on("edit", write=True),
    "directives:document_edit": on("edit", write=True),
    "directives:document_attach": on("edit", write=True),
    "directives:task_add": on("edit", write=True),
    "directives:task_edit": on("edit", write=True),
    "directives:task": on("view"),
    "directives:unit": on("view", "unit"),
    "directives:deadlines": signed_in(),
    "directives:calendar": signed_in(),
    "publishing:library": signed_in(),
    "publishing:story_new": on("edit"),
    "publishing:story": on("view"),
    "publishing:story_edit": on("edit", write=True),
    "publishing:story_action": on("edit", write=True),
    "publishing:pack": on("view"),
    "publishing:publication_action": on("edit", write=True),
    "publishing:calendar": signed_in(),
    "publishing:kits": signed_in(),
    "kit:page": anyone(),
    "kit:share": anyone(),
    "lookalike:queue": signed_in(),
    "lookalike:reports": signed_in(),
    "lookalike:detail": on("view"),
    "lookalike:decide": on("edit", write=True),
    "lookalike:evidence": on("view"),
    "lookalike:report": on("edit", write=True),
    "lookalike:publish": on("edit", write=True),
    "lookalike:import": on("edit", write=True),
    "lookalike:threshold": signed_in(write=True),  # the unit is in the form; the service asks `manage` on it
    "documents:home": signed_in(),
    "documents:draft": on("edit", write=True),
    "documents:detail": on("view"),
    "documents:edit": on("edit", write=True),
    "documents:issue": on("approve", write=True),
    "documents:sign": on("approve", write=True),
    "documents:render": on("view", write=True),
    "documents:docx": on("view"),
    "documents:pdf": on("view"),
    "documents:job": on("view"),
    "documents:certificates": signed_in(),
    "documents:verify": signed_in(),
    "public:directory": anyone(),
    "public:check": anyone(),
    "public:pages_json": anyone(),
    "public:pages_csv": anyone(),
}

API: dict[str, Rule] = {
    "POST /api/v1/auth/token": anyone(),
    "GET /api/v1/me": signed_in(),
    "GET /api/v1/tokens": signed_in(),
    "DELETE /api/v1/tokens/{token_id}": signed_in(write=True),
    "GET /api/v1/users": on("manage", lists="users"),
    "POST /api/v1/users": on("manage", write=True),
    "GET /api/v1/users/{user_id}": on("manage", "person"),
    "GET /api/v1/users/{user_id}/roles": on("manage", "person"),
    "POST /api/v1/users/{user_id}/roles": on("manage", "person", write=True),
    "DELETE /api/v1/roles/{grant_id}": on("manage", write=True),
    "GET /api/v1/units": signed_in(),
    "POST /api/v1/units": on("reorganise", write=True),
    "GET /api/v1/units/{code}": on("view", "unit"),
    "PATCH /api/v1/units/{code}": on("manage", "unit", write=True, below=True),
    "POST /api/v1/units/{code}/rename": on("reorganise", "unit", write=True, below=True),
    "POST /api/v1/units/{code}/move": on("reorganise", "unit", write=True, below=True),
    "POST /api/v1/units/{code}/merge": on("reorganise", "unit", write=True),  # the sources are reshaped,
    "POST /api/v1/units/{code}/split": on("reorganise", "unit", write=True, below=True),
    "POST /api/v1/units/{code}/dissolve": on("reorganise", "unit", write=True, below=True),
    "GET /api/v1/units/{code}/history": on("view", "unit"),
    "GET /api/v1/pages": signed_in(),
    "POST /api/v1/pages": on("edit", write=True),
    "GET /api/v1/pages/{page_id}": on("view", "page"),
    "PATCH /api/v1/pages/{page_id}": on("edit", "page", write=True),
    "GET /api/v1/pages/{page_id}/metrics": on("view", "page"),
    "POST /api/v1/pages/{page_id}/metrics": on("edit|enter_data", "page", write=True),
    "PUT /api/v1/pages/{page_id}/credentials": on("edit", "page", write=True),
    "DELETE /api/v1/pages/{page_id}/credentials": on("edit", "page", write=True),
    "GET /api/v1/pages/{page_id}/connection": on("view", "page"),
    "GET /api/v1/pages/{page_id}/runs": on("view", "page"),
    "POST /api/v1/pages/{page_id}/pull": on("edit", "page", write=True),
    "GET /api/v1/forms": signed_in(),
    "GET /api/v1/forms/{code}": signed_in(),
    "GET /api/v1/indicators": signed_in(),
    "POST /api/v1/dataValueSets": on("enter_data", write=True),
    "GET /api/v1/dataValueSets": signed_in(),
    "POST /api/v1/dataValueSets.csv": on("enter_data", write=True),
    "GET /api/v1/dataValueSets.csv": signed_in(),
    "GET /api/v1/dataValueSets.adx": signed_in(),
    "GET /api/v1/dataValueSets.xml": signed_in(),
    "GET /api/v1/analytics": signed_in(),
    "GET /api/v1/completeness": signed_in(),
    "GET /api/v1/reports/{form}/{unit}/{period}": on("view"),
    "PUT /api/v1/reports/{form}/{unit}/{period}": on("enter_data", write=True),
    "POST /api/v1/reports/{form}/{unit}/{period}/submit": on("enter_data", write=True),
    "POST /api/v1/reports/{form}/{unit}/{period}/approve": on("approve", write=True),
    "POST /api/v1/reports/{form}/{unit}/{period}/return": on("approve", write=True),
    "POST /api/v1/reports/{form}/{unit}/{period}/reopen": on("approve", write=True),
    "GET /api/v1/documents": signed_in(),
    "POST /api/v1/documents": on("edit", write=True),
    "GET /api/v1/documents/{doc_id}": on("view"),
    "GET /api/v1/documents/{doc_id}/proposals": on("view"),
    "POST /api/v1/documents/{doc_id}/tasks": on("edit", write=True),
    "POST /api/v1/documents/{doc_id}/links": on("edit", write=True),
    "GET /api/v1/tasks": signed_in(),
    "POST /api/v1/tasks": on("edit", write=True),
    "GET /api/v1/tasks/{task_id}": on("view"),
    "PATCH /api/v1/tasks/{task_id}": on("edit", write=True),
    "GET /api/v1/tasks/{task_id}/updates": on("view"),
    "POST /api/v1/tasks/{task_id}/cascade": on("edit", write=True),
    "GET /api/v1/search": signed_in(),
    "GET /api/v1/stories": signed_in(),
    "POST /api/v1/stories": on("edit", write=True),
    "GET /api/v1/stories/{story_id}": on("view"),
    "POST /api/v1/stories/{story_id}/submit": on("edit", write=True),
    "POST /api/v1/stories/{story_id}/approve": on("approve", write=True),
    "POST /api/v1/stories/{story_id}/return": on("approve", write=True),
    "POST /api/v1/stories/{story_id}/withdraw": on("edit", write=True),
    "POST /api/v1/stories/{story_id}/schedule": on("edit", write=True),
    "POST /api/v1/stories/{story_id}/retry": on("edit", write=True),
    "GET /api/v1/publications": signed_in(),
    "POST /api/v1/publications/{publication_id}/retry": on("edit", write=True),
    "POST /api/v1/publications/{publication_id}/move": on("edit", write=True),
    "POST /api/v1/publications/{publication_id}/posted": on("edit", write=True),
    "POST /api/v1/kits": on("edit", write=True),
    "GET /api/v1/kits/{kit_id}": on("view"),
    "GET /api/v1/report-templates": signed_in(),
    "GET /api/v1/report-documents": signed_in(),
    "POST /api/v1/report-documents": on("edit", write=True),
    "GET /api/v1/report-documents/{pk}.docx": on("view"),
    "GET /api/v1/report-documents/{pk}.pdf": on("view"),
    "GET /api/v1/report-documents/{pk}": on("view"),
    "GET /api/v1/report-documents/{pk}/sources": on("view"),
    "POST /api/v1/report-documents/{pk}/issue": on("approve", write=True),
    "POST /api/v1/report-documents/{pk}/verify": signed_in(write=True),
    "GET /api/v1/lookalikes": signed_in(),
    "POST /api/v1/lookalikes": on("edit", write=True),
    "GET /api/v1/lookalikes/{candidate_id}": on("view"),
    "PATCH /api/v1/lookalikes/{candidate_id}": on("edit", write=True),
    # The DHIS2-compatible API (ketnoi/site/dhis2.py) at /api/ and /api/NN/: scoped like the REST API.
    "GET /api/system/info": signed_in(),
    "GET /api/me": signed_in(),
    "GET /api/organisationUnits": signed_in(),
    "POST /api/organisationUnits": on("reorganise", write=True),
    "GET /api/organisationUnits/{uid}": signed_in(),
    "PUT /api/organisationUnits/{uid}": on("manage", write=True),
    "GET /api/dataElements": signed_in(),
    "POST /api/dataElements": on("manage", write=True),
    "GET /api/dataElements/{uid}": signed_in(),
    "PUT /api/dataElements/{uid}": on("manage", write=True),
    "GET /api/dataSets": signed_in(),
    "POST /api/dataSets": on("manage", write=True),
    "GET /api/dataSets/{uid}": signed_in(),
    "PUT /api/dataSets/{uid}": on("manage", write=True),
    "GET /api/metadata": signed_in(),
    "POST /api/metadata": on("manage", write=True),
    "GET /api/dataValueSets": signed_in(),
    "POST /api/dataValueSets": on("enter_data", write=True),
    "GET /api/dataValueSets.csv": signed_in(),
    "GET /api/dataValueSets.xml": signed_in(),
    "GET /api/dataValueSets.adx": signed_in(),
    "GET /api/analytics": signed_in(),
}
