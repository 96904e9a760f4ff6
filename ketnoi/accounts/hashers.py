"""The password hasher: Argon2id with OWASP's recommended parameters, tunable in the settings.

Django's own Argon2 hasher uses 100 MiB and 8 lanes per check: about a third of a second of a core here,
which on a two-core office server turns a deadline day's logins into the load. OWASP's Password Storage Cheat
Sheet gives Argon2id with 19 MiB, 2 passes and 1 lane as its baseline (m=19456, t=2, p=1), resistant to GPU
guessing like PBKDF2 with 600.000 rounds, at about 40 ms of one core. ``KETNOI_ARGON2_MEMORY_KIB`` and
``KETNOI_ARGON2_TIME_COST`` raise it on a larger server; a hash made with other parameters still verifies
and is re-made with the current ones at the person's next login (Django's ``must_update``). The algorithm
name stays ``argon2``, so the stored hashes are Django's standard format.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    parallelism = 1

    def params(self) -> Any:
        """Django's parameters object, with the memory and passes read from the settings at each use."""
        self.memory_cost = int(settings.KETNOI_ARGON2_MEMORY_KIB)
        self.time_cost = int(settings.KETNOI_ARGON2_TIME_COST)
        return super().params()
