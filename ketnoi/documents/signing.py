"""PAdES signatures on issued report PDFs with a unit's certificate (pyHanko; no network needed).

The signature's visible box sits where Nghị định 30/2020 (Phụ lục I) puts the organisation's digital
signature: over the signature block, to the left of and overlapping the signer's name. Verification
reports whether the bytes are unchanged since signing (``intact``), the signature is mathematically
valid (``valid``), the certificate is one the product holds for a unit (``trusted``), the signer and the
signing time.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError

FIELD = "ChuKySoCoQuan"


@dataclass
class CertificateInfo:
    subject: str
    not_after: dt.datetime


@dataclass
class Verification:
    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    signer: str
    signed_at: dt.datetime | None
    message: str

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid


def read_pkcs12(data: bytes, password: str, *, name: str = "") -> CertificateInfo:
    """The holder and validity of a PKCS#12 file, or a clear refusal (wrong password, no key)."""
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except ValueError as exc:
        raise ValidationError(
            _("%(file)s: not a PKCS#12 file, or the password is wrong.") % {"file": name or "PKCS#12"},
            fields={"file": name},
        ) from exc
    if key is None or cert is None:
        raise ValidationError(
            _("%(file)s holds no private key with its certificate.") % {"file": name or "PKCS#12"},
            fields={"file": name},
        )
    return CertificateInfo(subject=cert.subject.rfc4514_string(), not_after=cert.not_valid_after_utc)


def certificate_der(data: bytes, password: str) -> bytes:
    _key, cert, _extra = pkcs12.load_key_and_certificates(data, password.encode() or None)
    if cert is None:
        raise ValidationError(_("The file holds no certificate."), fields={"file": ""})
    return cert.public_bytes(Encoding.DER)


def signature_box(pdf: bytes, signer_name: str) -> tuple[int, tuple[int, int, int, int]]:
    """The page (0-based) and box (points) of the organisation's signature: over the signer's name."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    last = len(reader.pages) - 1
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if signer_name and signer_name.split()[-1] in text and not found:
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    reader.pages[last].extract_text(visitor_text=visit)
    x, y = found[0] if found else (360.0, 120.0)
    # Over the space between the signer's title and name, its left third over the signer's signature.
    return last, (int(x - 45), int(y + 16), int(x + 125), int(y + 66))


def sign(pdf: bytes, p12: bytes, password: str, *, signer_name: str, reason: str = "") -> bytes:
    from pyhanko import stamp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=password.encode() or None)
    if signer is None:
        raise ValidationError(
            _("The certificate cannot be opened with this password."), fields={"password": ""}
        )
    page, box = signature_box(pdf, signer_name)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, sig_field_spec=fields.SigFieldSpec(FIELD, on_page=page, box=box))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=None,
    )
    from pyhanko.pdf_utils.images import PdfImage

    holder = _holder(signer)
    when = dt.datetime.now().astimezone().strftime("%d/%m/%Y %H:%M:%S %z")
    style = stamp.TextStampStyle(
        stamp_text="",
        border_width=1,
        background=PdfImage(_stamp_image(holder, when)),
        background_opacity=1,
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style)
    out = pdf_signer.sign_pdf(writer)
    return bytes(out.getvalue())


FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def _stamp_image(holder: str, when: str) -> Any:
    """The stamp's text as an image in a Unicode font (pyHanko's built-in Courier has no Vietnamese)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (680, 200), "white")
    draw = ImageDraw.Draw(image)
    font: Any = ImageFont.load_default()
    for path in FONT_FILES:
        if Path(path).exists():
            font = ImageFont.truetype(path, 30)
            break
    draw.text((16, 30), f"Ký bởi: {holder}"[:44], fill=(200, 0, 0), font=font)
    draw.text((16, 110), f"Thời gian: {when}", fill=(200, 0, 0), font=font)
    return image


def _holder(signer: Any) -> str:
    """The certificate's common name (the organisation), else its whole subject."""
    subject = signer.signing_cert.subject
    return str(subject.native.get("common_name") or subject.human_friendly)


def verify(pdf: bytes, trusted_der: list[bytes]) -> Verification:
    """Check every embedded signature; any parse failure or changed byte makes it not verified."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - pyHanko raises several types for a damaged file
        return Verification(
            False, False, False, False, "", None, _("The file cannot be read: %(e)s") % {"e": exc}
        )
    if not sigs:
        return Verification(False, False, False, False, "", None, _("The file carries no signature."))
    roots = [asn1_x509.Certificate.load(d) for d in trusted_der]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(sigs[-1], context)
    except Exception as exc:  # noqa: BLE001 - a damaged signature dictionary or contents
        return Verification(
            True, False, False, False, "", None, _("The signature cannot be checked: %(e)s") % {"e": exc}
        )
    signer = status.signing_cert.subject.human_friendly if status.signing_cert is not None else ""
    covers_all = str(getattr(status, "coverage", "")).endswith("ENTIRE_FILE")
    intact = bool(status.intact) and covers_all
    valid = bool(status.valid)
    trusted = bool(status.trusted)
    if intact and valid:
        message = _("Signed and unchanged since signing.")
    elif not intact:
        message = _("The document was changed after it was signed.")
    else:
        message = _("The signature is not valid.")
    return Verification(True, intact, valid, trusted, signer, status.signer_reported_dt, message)
