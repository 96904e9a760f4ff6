"""Every write of the product refuses a call with no actor, found by looking, so a new service is covered.

A service is any public function with a ``by`` parameter in any module of an app but its edges (views, API,
forms, commands), its reads (selectors) and its demo and tests. ``by=None`` used to skip every check in five
apps; now it is a type error (``by: Actor``) and a refused call (``NotAuthenticated``) before anything is
read or written, whatever the other arguments are.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

import ketnoi
from ketnoi.core.exceptions import NotAuthenticated

# Every app of the product (a new one is covered without a change here); the foundation and the site
# layer have no services.
APPS = tuple(
    sorted(
        m.name
        for m in pkgutil.iter_modules(ketnoi.__path__)
        if m.ispkg and m.name not in {"core", "lib", "site", "formats", "demo_data"}
    )
)


# Modules of an app that hold no writes: the edges (views, API, forms, URLs, commands), reads, demo, tests.
NOT_SERVICES = {
    "views",
    "views_common",
    "api",
    "forms",
    "urls",
    "apps",
    "migrations",
    "tests",
    "management",
    "selectors",
    "ui_selectors",
    "demo",
    "templatetags",
    "signals",
}


def _modules() -> list[Any]:
    found = []
    for app in APPS:
        package = importlib.import_module(f"ketnoi.{app}")
        for info in pkgutil.walk_packages(package.__path__, prefix=f"ketnoi.{app}."):
            if set(info.name.split(".")) & NOT_SERVICES:
                continue
            found.append(importlib.import_module(info.name))
    return found


def _services() -> list[tuple[str, Callable[..., Any]]]:
    services = []
    for module in _modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if inspect.unwrap(function).__module__ != module.__name__:
                continue  # imported from elsewhere: tested where it lives
            if "by" in inspect.signature(function).parameters:
                services.append((f"{module.__name__}.{name}", function))
    return sorted(services, key=lambda item: item[0])


SERVICES = _services()


def test_the_search_finds_the_services_of_every_app() -> None:
    apps = {name.split(".")[1] for name, _f in SERVICES}
    assert {"units", "accounts", "pages", "connectors", "directives", "reporting", "publishing"} <= apps
    assert len(SERVICES) >= 60


@pytest.mark.parametrize(("name", "service"), SERVICES, ids=[name for name, _f in SERVICES])
def test_a_service_takes_a_typed_actor_with_no_default(name: str, service: Callable[..., Any]) -> None:
    parameter = inspect.signature(inspect.unwrap(service)).parameters["by"]
    assert parameter.kind is not inspect.Parameter.VAR_KEYWORD, name
    assert parameter.default is inspect.Parameter.empty, f"{name}: `by` has a default"
    assert parameter.annotation == "Actor", f"{name}: `by` is typed {parameter.annotation!r}, not Actor"


def _arguments(service: Callable[..., Any]) -> dict[str, Any]:
    """Every other required argument as None: the refusal must come before any of them is read."""
    named = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return {
        name: None
        for name, p in inspect.signature(service).parameters.items()
        if name != "by" and p.default is inspect.Parameter.empty and p.kind in named
    }


@pytest.mark.parametrize(("name", "service"), SERVICES, ids=[name for name, _f in SERVICES])
@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_a_service_refuses_a_call_with_no_actor(name: str, service: Callable[..., Any], actor: Any) -> None:
    # No database access is allowed in this test: a service that read or wrote anything before refusing
    # would fail here with pytest-django's "Database access not allowed".
    with pytest.raises(NotAuthenticated):
        service(**_arguments(service), by=actor)
