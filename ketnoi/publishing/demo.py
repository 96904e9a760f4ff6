"""Demo content: a library of believable stories for the demo province, a calendar with past and future
posts on the demo pages, and share kits with aggregate counts per unit.

Units and pages are picked from today's tree by query (the root that exists today, its pages), never by a
code that a reorganisation may dissolve. Idempotent: stories are found by title.

No platform token is stored, so nothing is ever sent to a real platform: the demo's publications are
posted by hand (publish pack, "mark as posted"). To watch the worker publish, run the fake platforms on
this machine (``ketnoi fake-platforms``), point ``KETNOI_FACEBOOK_GRAPH_URL`` at it and enter a token on a
page's connection panel; with a demo token (``demo-...``) the worker refuses anything but a local address.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages.models import Page, PageStatus
from ketnoi.publishing.models import KitCount, Publication, PublicationStatus, Story, StoryStatus
from ketnoi.publishing.services import kits, publications, stories
from ketnoi.units.models import Unit

STORIES = [
    (
        "Ông Điểu Lên hiến 1.200 m² đất mở đường liên thôn",
        "Gia đình ông Điểu Lên (thôn 3) tự nguyện hiến 1.200 m² đất và tháo dỡ hàng rào để mở rộng đường "
        "liên thôn lên 6 m. Con đường mới giúp bà con vận chuyển hạt điều, cao su thuận tiện hơn trong mùa "
        "mưa. Ủy ban nhân dân xã đã trao giấy khen và kêu gọi các hộ dọc tuyến cùng chung tay.",
        ["good_deeds"],
        "published",
    ),
    (
        "Mô hình “Tổ tự quản đường hoa” ở khu phố Tân Phú",
        "Ba mươi hai hộ dân khu phố Tân Phú góp tiền, góp công trồng 1,5 km đường hoa, tự chia ca tưới "
        "và quét dọn mỗi sáng Chủ nhật. Sau sáu tháng, tuyến đường không còn rác thải và trở thành điểm "
        "chụp ảnh của thanh niên địa phương.",
        ["new_model"],
        "published",
    ),
    (
        "Một cửa liên thông: nộp hồ sơ đất đai trực tuyến, nhận kết quả tại nhà",
        "Từ tháng này, người dân có thể nộp hồ sơ đăng ký biến động đất đai trên Cổng dịch vụ công và "
        "nhận kết quả qua bưu điện. Thời gian giải quyết giảm từ 10 ngày xuống còn 7 ngày làm việc. "
        "Bộ phận một cửa hướng dẫn trực tiếp cho người cao tuổi chưa quen thao tác.",
        ["good_practice", "new_policy"],
        "scheduled",
    ),
    (
        "Chính sách mới: hỗ trợ học phí cho học sinh vùng đồng bào dân tộc thiểu số",
        "Nghị quyết của Hội đồng nhân dân tỉnh hỗ trợ 100% học phí cho học sinh trung học phổ thông là "
        "người đồng bào dân tộc thiểu số. Phụ huynh nộp đơn tại trường trước ngày 15 hằng tháng; nhà "
        "trường lập danh sách và chi trả theo học kỳ.",
        ["new_policy"],
        "scheduled",
    ),
    (
        "Ngày hội Đại đoàn kết toàn dân tộc ở xã biên giới",
        "Hơn 400 người dân ba thôn cùng tham dự ngày hội với các trò chơi dân gian, văn nghệ cồng chiêng "
        "và trao 50 phần quà cho hộ khó khăn. Ban công tác Mặt trận thôn 5 được biểu dương vì vận động "
        "xóa ba căn nhà tạm trong năm.",
        ["event"],
        "approved",
    ),
    (
        "Nông dân trẻ chuyển đổi 3 ha điều sang điều ghép năng suất cao",
        "Anh Nguyễn Văn Hậu, 29 tuổi, mạnh dạn ghép cải tạo 3 ha điều già cỗi; sau hai năm năng suất tăng "
        "gấp đôi. Anh sẵn sàng hướng dẫn miễn phí cho các hộ muốn học kỹ thuật ghép.",
        ["good_deeds", "new_model"],
        "in_review",
    ),
    (
        "Hướng dẫn cài đặt và dùng tài khoản định danh điện tử mức 2",
        "Công an xã hướng dẫn từng bước kích hoạt tài khoản định danh điện tử mức 2 trên ứng dụng "
        "VNeID: tích hợp giấy phép lái xe, thẻ bảo hiểm y tế và nộp hồ sơ dịch vụ công không cần giấy tờ.",
        ["good_practice"],
        "draft",
    ),
]


def load() -> None:
    roots = [u for u in Unit.objects.filter(depth=1).order_by("path") if u.is_active]
    if not roots:
        return
    root = roots[0]
    today = timezone.localdate()
    pages = list(
        Page.objects.filter(
            unit__path__startswith=root.path, status__in=(PageStatus.REGISTERED, PageStatus.VERIFIED)
        ).order_by("-latest_audience", "pk")[:14]
    )
    units = [
        u for u in Unit.objects.filter(path__startswith=root.path, depth=2).order_by("path") if u.is_active
    ]
    for index, (title, body, tags, target) in enumerate(STORIES):
        story = Story.objects.filter(title=title).first()
        if story is not None:
            continue
        story = stories.story_create(
            unit=root,
            title=title,
            body=body,
            tags=tags,
            source="Ban biên tập Kết Nối (dữ liệu trình diễn)",
            by=SYSTEM,
        )
        if target == "draft":
            continue
        story = stories.story_submit(story=story, by=SYSTEM)
        if target == "in_review":
            continue
        story = stories.story_approve(story=story, by=SYSTEM)
        if target == "published" and pages:
            _past(story, pages[index % 3 :: 2][:6], today - dt.timedelta(days=3 + 5 * index))
        if target == "scheduled" and pages:
            moment = timezone.make_aware(
                dt.datetime.combine(today + dt.timedelta(days=2 + 3 * index), dt.time(8, 0))
            )
            publications.publication_schedule(
                story=story, pages=pages[index % 4 :: 3][:5], at=moment, by=SYSTEM
            )
        if target in ("published", "approved") and units:
            story.refresh_from_db()
            kit = kits.kit_create(
                story=story,
                units=units[:6],
                caption=f"{title} — mời bạn đọc và lan tỏa!",
                link=_first_post(story) or "https://binhphuoc.gov.vn/",
                by=SYSTEM,
            )
            _counts(kit.pk, units[:6], today)


def _past(story: Story, pages: list[Page], day: dt.date) -> None:
    """Publications already made (history): posted at 8:00 on ``day`` with their addresses."""
    for n, page in enumerate(pages):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
        Publication.objects.create(
            story=story,
            page=page,
            platform=page.platform,
            manual=True,
            status=PublicationStatus.PUBLISHED,
            due_at=moment,
            next_try_at=moment,
            published_at=moment + dt.timedelta(minutes=n),
            post_url=f"{page.url.rstrip('/')}/posts/demo{story.pk}{n}",
            marker=secrets.token_hex(8),
        )
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.PUBLISHED)


def _first_post(story: Story) -> str:
    return story.publications.exclude(post_url="").values_list("post_url", flat=True).first() or ""


def _counts(kit_id: int, units: list[Unit], today: dt.date) -> None:
    """Aggregate views and share presses per unit and day (the only figures a kit keeps)."""
    for u, unit in enumerate(units):
        for back in range(4):
            views = 25 + 13 * ((u * 7 + back * 3 + kit_id * 5) % 11)
            KitCount.objects.get_or_create(
                kit_id=kit_id,
                unit=unit,
                day=today - dt.timedelta(days=back),
                defaults={"views": views, "shares": views // (3 + u % 3)},
            )
