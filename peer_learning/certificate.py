"""The certificate of attendance ("Teilnahmebescheinigung") as a PDF, made with fpdf2.

DejaVu Sans (a Unicode TrueType font) is embedded, so every name prints correctly, whatever
its alphabet's German neighbours (Yıldız, Łukasz, Ørsted).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, timezone
from fpdf import FPDF

from peer_learning.mails import session_when
from peer_learning.models import Registration

FONT = "DejaVu"
NAVY = (11, 83, 148)


def certificate_pdf(
    *, registration: Registration, participant_name: str, trainer_names: list[str]
) -> bytes:
    session = registration.session
    course = session.course
    pdf = FPDF(format="A4")
    pdf.set_title(f"Teilnahmebescheinigung – {course.title}")
    pdf.set_author("Kollegium")
    pdf.set_lang("de")
    pdf.add_font(FONT, "", str(settings.PDF_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(settings.PDF_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(25, 30, 25)
    pdf.add_page()

    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*NAVY)
    pdf.cell(
        text="Kollegium – das Netzwerk der öffentlichen Verwaltung", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(20)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 26)
    pdf.cell(text="Teilnahmebescheinigung", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)

    pdf.set_font(FONT, "", 12)
    pdf.multi_cell(0, 7, text="Hiermit wird bescheinigt, dass", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 10, text=participant_name, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "", 12)
    pdf.multi_cell(
        0, 7, text="an der folgenden Fortbildung teilgenommen hat:", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(6)

    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 9, text=course.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    facts = [
        ("Format", course.get_format_display()),
        ("Datum", session_when(session)),
        ("Dauer", f"{course.duration_minutes} Minuten"),
        ("Durchführung", session.get_delivery_display()),
        ("Trainer*in", ", ".join(trainer_names) or "–"),
    ]
    for label, value in facts:
        pdf.set_font(FONT, "B", 11)
        pdf.cell(45, 8, text=label)
        pdf.set_font(FONT, "", 11)
        pdf.multi_cell(0, 8, text=value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, text=course.summary, new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(-60)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(80, 80, 80)
    issued = formats.date_format(timezone.localdate(), "j. F Y")
    pdf.multi_cell(
        0,
        5,
        text=(
            f"Ausgestellt am {issued} durch Kollegium. Die Teilnahme wurde von der Trainerin "
            f"oder dem Trainer erfasst. Nachweis-Nr. K-{registration.pk:08d}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
