"""Story library: the review workflow through the permission gate, history, search, filters, images."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ketnoi.core.exceptions import Conflict, PermissionDenied, ValidationError
from ketnoi.publishing import selectors
from ketnoi.publishing.models import StoryStatus
from ketnoi.publishing.services import stories

pytestmark = pytest.mark.django_db


def _draft(by, title="Mô hình “Đường hoa nông thôn mới” ở Đa Kia", **extra):
    return stories.story_create(
        unit=by.unit, title=title, body="Người dân góp công làm đường.", by=by, **extra
    )


def test_a_story_goes_from_draft_through_review_to_approved_by_the_units_approver(bob, approver):
    story = _draft(bob, tags=["new_model"])
    assert story.status == StoryStatus.DRAFT
    story = stories.story_submit(story=story, by=bob)
    assert story.status == StoryStatus.IN_REVIEW
    story = stories.story_approve(story=story, by=approver, note="Được")
    assert story.status == StoryStatus.APPROVED and story.approved_by == approver
    reasons = [h.history_change_reason for h in story.history.order_by("history_date")]
    assert reasons == ["Story written", "Sent for review", "Approved"]


def test_an_editor_cannot_approve_and_an_approver_of_another_district_cannot_either(
    bob, charlie, make_person
):
    story = stories.story_submit(story=_draft(bob), by=bob)
    with pytest.raises(PermissionDenied):
        stories.story_approve(story=story, by=bob)
    dx_approver = make_person("dx_approver", "BP-DX", [("approver", "BP-DX")])
    with pytest.raises(PermissionDenied):
        stories.story_approve(story=story, by=dx_approver)


def test_nobody_approves_their_own_story(make_person):
    both = make_person("both", "BP-BGM", [("editor", "BP-BGM"), ("approver", "BP-BGM")])
    story = stories.story_submit(story=_draft(both), by=both)
    with pytest.raises(PermissionDenied):
        stories.story_approve(story=story, by=both)


def test_an_editor_of_another_district_cannot_write_for_bob(bob, charlie):
    with pytest.raises(PermissionDenied):
        stories.story_create(unit=bob.unit, title="x", body="y", by=charlie)


def test_a_returned_story_is_a_draft_again_with_the_note_and_an_approved_one_cannot_be_edited(bob, approver):
    story = stories.story_approve(story=stories.story_submit(story=_draft(bob), by=bob), by=approver)
    with pytest.raises(Conflict):
        stories.story_update(story=story, title="Khác", body="Khác", by=bob)
    with pytest.raises(ValidationError):
        stories.story_return(story=story, note="  ", by=approver)
    story = stories.story_return(story=story, note="Thêm ảnh", by=approver)
    assert story.status == StoryStatus.DRAFT and story.review_note == "Thêm ảnh"
    story = stories.story_update(story=story, title="Khác", body="Nội dung mới", by=bob)
    assert story.title == "Khác"


def test_bad_values_are_refused_with_the_field_named(bob):
    with pytest.raises(ValidationError) as caught:
        stories.story_create(
            unit=bob.unit, title="", body="b", tags=["toxic"], video_links=["not a link"], by=bob
        )
    assert set(caught.value.fields) == {"title", "tags", "video_links"}


def test_search_ignores_diacritics_and_filters_by_tag_unit_and_status(bob, charlie, alice):
    _draft(bob, tags=["new_model"])
    stories.story_create(
        unit=charlie.unit,
        title="Chính sách mới về đất đai",
        body="Đồng Xoài",
        tags=["new_policy"],
        by=charlie,
    )
    titles = lambda qs: sorted(s.title for s in qs)  # noqa: E731
    assert titles(selectors.story_list(for_user=alice, q="duong hoa")) == [
        "Mô hình “Đường hoa nông thôn mới” ở Đa Kia"
    ]
    assert titles(selectors.story_list(for_user=alice, q="DONG XOAI")) == ["Chính sách mới về đất đai"]
    assert titles(selectors.story_list(for_user=alice, tag="new_policy")) == ["Chính sách mới về đất đai"]
    assert titles(selectors.story_list(for_user=alice, under=charlie.unit)) == ["Chính sách mới về đất đai"]
    assert titles(selectors.story_list(for_user=alice, status="draft")) == sorted(
        ["Mô hình “Đường hoa nông thôn mới” ở Đa Kia", "Chính sách mới về đất đai"]
    )
    # bob cannot see charlie's story
    assert titles(selectors.story_list(for_user=bob)) == ["Mô hình “Đường hoa nông thôn mới” ở Đa Kia"]


def _image(fmt="JPEG", size=(3000, 1500)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def test_an_uploaded_image_is_resized_and_stored_as_jpeg(bob):
    story = _draft(bob)
    raw = _image("PNG")
    image = stories.story_image_add(
        story=story, stream=io.BytesIO(raw), name="anh đẹp.png", size=len(raw), by=bob
    )
    assert (image.width, image.height) == (2048, 1024)
    with image.file.open("rb") as handle:
        assert Image.open(handle).format == "JPEG"


def test_a_file_that_is_not_an_image_is_refused_naming_the_file(bob):
    story = _draft(bob)
    with pytest.raises(ValidationError) as caught:
        stories.story_image_add(
            story=story, stream=io.BytesIO(b"%PDF-1.4 ..."), name="baocao.pdf", size=12, by=bob
        )
    assert "baocao.pdf" in str(caught.value.message)


def test_a_gif_is_refused_and_an_oversized_upload_too(bob):
    story = _draft(bob)
    gif = _image("GIF", (10, 10))
    with pytest.raises(ValidationError):
        stories.story_image_add(story=story, stream=io.BytesIO(gif), name="a.gif", size=len(gif), by=bob)
    with pytest.raises(ValidationError) as caught:
        stories.story_image_add(story=story, stream=io.BytesIO(b"x"), name="big.jpg", size=50 * 2**20, by=bob)
    assert "big.jpg" in str(caught.value.message)


def test_image_limits_come_from_the_one_upload_guard(bob, settings):
    from ketnoi.lib.uploads import UploadRefused

    story = _draft(bob)
    # A PNG that declares 8000 x 8000 pixels (64 million) is refused from its header, before decoding.
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG")  # one bit a pixel: 8 MB to make, a few KB stored
    bomb = out.getvalue()
    with pytest.raises(UploadRefused) as caught:
        stories.story_image_add(story=story, stream=io.BytesIO(bomb), name="bom.png", size=len(bomb), by=bob)
    assert "bom.png" in str(caught.value.message) and "images" in caught.value.fields
    # The size limit is the "image" kind's setting (KETNOI_UPLOAD_IMAGE_MB).
    settings.KETNOI_UPLOAD_LIMITS_MB = {**settings.KETNOI_UPLOAD_LIMITS_MB, "image": 1}
    big = _image("JPEG", (100, 100)) + b"\0" * (2**20)
    with pytest.raises(UploadRefused):
        stories.story_image_add(story=story, stream=io.BytesIO(big), name="to.jpg", size=len(big), by=bob)
