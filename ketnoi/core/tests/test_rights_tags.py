"""``{% can %}``, ``{% can_any %}`` and ``{% unit_link %}``: templates ask the one gate (issue 11 item 13)."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.test import RequestFactory


def _render(source: str, user: Any, **context: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load rights %}" + source).render(Context({"request": request, **context})).strip()


def test_can_answers_for_the_signed_in_person_and_the_unit(unit: Any, bob: Any) -> None:
    source = '{% can "edit" u as ok %}{% if ok %}yes{% else %}no{% endif %}'
    assert _render(source, bob, u=unit("BP-BGM-XPN")) == "yes"
    assert _render(source, bob, u=unit("BP-DX")) == "no"
    assert _render('{% can_any "approve" as ok %}{{ ok }}', bob) == "False"
    assert _render('{% can_any "edit" as ok %}{{ ok }}', bob) == "True"


def test_a_unit_is_linked_only_for_those_who_may_see_its_page(unit: Any, bob: Any) -> None:
    assert (
        _render("{% unit_link u %}", bob, u=unit("BP-BGM")) == '<a href="/units/BP-BGM/">Huyện Bù Gia Mập</a>'
    )
    assert _render("{% unit_link u %}", bob, u=unit("BP")) == "<span>Tỉnh Bình Phước</span>"


def test_the_breadcrumbs_of_a_commune_do_not_link_to_the_province_for_its_district_editor(
    unit: Any, bob: Any, web_as: Any
) -> None:
    html = web_as(bob).get("/units/BP-BGM-XPN/").content.decode()
    assert '<a href="/units/BP-BGM/">Huyện Bù Gia Mập</a>' in html
    assert '<a href="/units/BP/">' not in html and "<span>Tỉnh Bình Phước</span>" in html


def test_an_editor_is_not_offered_the_verified_status_but_the_approver_is(
    unit: Any, bob: Any, make_person: Any, web_as: Any
) -> None:
    from ketnoi.pages import services

    page = services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Huyện Bù Gia Mập",
        url="https://facebook.com/bgm",
        by=bob,
    )
    assert 'value="verified"' not in web_as(bob).get(f"/pages/{page.pk}/").content.decode()
    approver = make_person("bgm.approver", "BP-BGM", [("approver", "BP-BGM")])
    assert 'value="verified"' in web_as(approver).get(f"/pages/{page.pk}/").content.decode()
