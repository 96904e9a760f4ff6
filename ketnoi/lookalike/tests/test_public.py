"""The public link check warns about an address that resembles an official page, and the directory shows the
known fakes the office chose to publish."""

from __future__ import annotations

from typing import Any

from django.test import Client

from ketnoi.lookalike import services
from ketnoi.lookalike.models import Candidate, Decision, Source


def test_an_unregistered_lookalike_address_is_answered_with_the_official_page_it_resembles(
    official: dict[str, Any], client: Client
) -> None:
    response = client.get("/public/check", {"url": "https://facebook.com/cong.an.tinh.binh.phuoc.vn"})
    answer = response.json()
    assert answer["status"] == "not_registered"
    assert answer["resembles"]["name"] == "Công an tỉnh Bình Phước"
    assert answer["resembles"]["url"] == "https://facebook.com/congantinhbinhphuoc"
    assert Candidate.objects.filter(source=Source.PUBLIC_CHECK, page=official["police"]).count() == 1


def test_the_other_answers_of_the_check_are_kept(official: dict[str, Any], client: Client) -> None:
    assert (
        client.get("/public/check", {"url": "facebook.com/congantinhbinhphuoc"}).json()["status"]
        == "official"
    )
    plain = client.get("/public/check", {"url": "không phải địa chỉ"}).json()
    assert plain["valid_address"] is False and "resembles" not in plain  # text that is not an address
    unrelated = client.get("/public/check", {"url": "https://facebook.com/quancaphesuoimo"}).json()
    assert unrelated["status"] == "not_registered" and "resembles" not in unrelated
    person = client.get("/public/check", {"url": "https://facebook.com/profile.php?id=100012345"}).json()
    assert "resembles" not in person
    assert not Candidate.objects.exists()


def test_the_directory_warns_in_words_and_names_the_official_page(
    official: dict[str, Any], client: Client
) -> None:
    html = client.get("/public/", {"url": "fb.com/bugiamaponline.official"}).content.decode()
    assert "Bù Gia Mập Online" in html
    assert "không phải trang đó" in html


def test_known_fakes_show_in_the_directory_only_once_published(
    official: dict[str, Any], client: Client, bob: Any
) -> None:
    fake = services.candidate_add(
        source=Source.MANUAL, name="Bù Gia Mập Online", url="fb.com/bugiamap.onIine", by=bob
    )
    services.candidate_review(candidate=fake, decision=Decision.IMPERSONATION, by=bob)
    assert "bugiamap.onine" not in client.get("/public/").content.decode().lower()
    services.candidate_publish(candidate=fake, published=True, by=bob)
    html = client.get("/public/").content.decode()
    assert "facebook.com/bugiamap.onIine".lower() in html.lower()
    assert 'href="https://fb.com/bugiamap' not in html  # shown as text, never a link
