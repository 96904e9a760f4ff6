"""Demo accounts. Their password is "demo": demo data only, refused in production."""

from __future__ import annotations

from ketnoi.accounts import services
from ketnoi.accounts.models import RoleGrant, User
from ketnoi.core.permissions import SYSTEM
from ketnoi.units.models import Unit

DEMO_PASSWORD = "demo"  # noqa: S105 - demo data only; `ketnoi demo` refuses to run in production

# username, full name, position, unit, [(role, unit)] — on today's tree (Tỉnh Đồng Nai since 01/07/2025).
# The "bgm" accounts work for xã Bù Gia Mập, which kept its name and code through the 2025 reform and took
# over the records of the former Huyện Bù Gia Mập; "dx" works for phường Đồng Xoài, likewise.
DEMO_ACCOUNTS: list[tuple[str, str, str, str, list[tuple[str, str]]]] = [
    ("admin", "Quản trị hệ thống", "Quản trị viên", "DN", [("system_admin", "DN")]),
    (
        "bgm.editor",
        "Nguyễn Văn An",
        "Chuyên viên Văn phòng Đảng ủy xã",
        "BP-BGM-XBGM",
        [("editor", "BP-BGM-XBGM")],
    ),
    ("dx.editor", "Trần Thị Bình", "Chuyên viên Văn phòng Đảng ủy phường", "DN-PDX", [("editor", "DN-PDX")]),
    (
        "btg.approver",
        "Lê Văn Cường",
        "Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "DN-BTGDV",
        [("approver", "DN"), ("viewer", "DN")],
    ),
    (
        "bgm.admin",
        "Phạm Thị Dung",
        "Chánh Văn phòng Đảng ủy xã",
        "BP-BGM-XBGM",
        [("unit_admin", "BP-BGM-XBGM"), ("approver", "BP-BGM-XBGM")],
    ),
    ("bgm.data", "Hoàng Văn Em", "Cán bộ văn phòng", "BP-BGM-XBGM", [("data_entry", "BP-BGM-XBGM")]),
    ("tinh.viewer", "Võ Thị Giang", "Chuyên viên", "DN-BTGDV", [("viewer", "DN")]),
]


def load() -> list[tuple[str, str]]:
    """Create the demo accounts (idempotent) and return (username, description) lines to print."""
    lines = []
    for username, full_name, position, unit_code, roles in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                position=position,
                unit=Unit.objects.get(code=unit_code),
                by=SYSTEM,
                validate_password=False,
            )
        for role, code in roles:
            unit = Unit.objects.get(code=code)
            if not RoleGrant.objects.filter(user=user, unit=unit, role=role).exists():
                services.role_grant(user=user, unit=unit, role=role, by=SYSTEM)
        lines.append((username, ", ".join(f"{role} @ {code}" for role, code in roles)))
    return lines
