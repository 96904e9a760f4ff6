"""Demo accounts. Their password is "demo": demo data only, refused in production."""

from __future__ import annotations

from ketnoi.accounts import services
from ketnoi.accounts.models import RoleGrant, User
from ketnoi.units.models import Unit

DEMO_PASSWORD = "demo"  # noqa: S105 - demo data only; `ketnoi demo` refuses to run in production

# username, full name, position, unit, [(role, unit)]
DEMO_ACCOUNTS: list[tuple[str, str, str, str, list[tuple[str, str]]]] = [
    ("admin", "Quản trị hệ thống", "Quản trị viên", "BP", [("system_admin", "BP")]),
    ("bgm.editor", "Nguyễn Văn An", "Chuyên viên Ban Tuyên giáo Huyện ủy", "BP-BGM", [("editor", "BP-BGM")]),
    ("dx.editor", "Trần Thị Bình", "Chuyên viên Ban Tuyên giáo Thành ủy", "BP-DX", [("editor", "BP-DX")]),
    (
        "btg.approver",
        "Lê Văn Cường",
        "Phó Trưởng Ban Tuyên giáo Tỉnh ủy",
        "BP-BTG",
        [("approver", "BP"), ("viewer", "BP")],
    ),
    (
        "bgm.admin",
        "Phạm Thị Dung",
        "Chánh Văn phòng Huyện ủy",
        "BP-BGM",
        [("unit_admin", "BP-BGM"), ("approver", "BP-BGM")],
    ),
    ("bgm.data", "Hoàng Văn Em", "Cán bộ văn phòng", "BP-BGM", [("data_entry", "BP-BGM")]),
    ("tinh.viewer", "Võ Thị Giang", "Chuyên viên", "BP-BTG", [("viewer", "BP")]),
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
                by=None,
                validate_password=False,
            )
        for role, code in roles:
            unit = Unit.objects.get(code=code)
            if not RoleGrant.objects.filter(user=user, unit=unit, role=role).exists():
                services.role_grant(user=user, unit=unit, role=role, by=None)
        lines.append((username, ", ".join(f"{role} @ {code}" for role, code in roles)))
    return lines
