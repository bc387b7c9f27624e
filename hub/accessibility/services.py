from __future__ import annotations

from django.db import transaction

from core.links import absolute_url
from core.mail import mail_render_each, mails_send_on_commit
from hub.accessibility.selectors import accessibility_feedback_recipients
from hub.models import AccessibilityFeedback


@transaction.atomic
def accessibility_feedback_create(
    *, message: str, name: str = "", email: str = "", page_address: str = ""
) -> AccessibilityFeedback:
    """Keep the feedback and mail it to the editors once it is stored."""
    feedback = AccessibilityFeedback.objects.create(
        message=message, name=name, email=email, page_address=page_address
    )
    mails_send_on_commit(
        mail_render_each(
            "hub/email/accessibility_feedback",
            recipients=accessibility_feedback_recipients().values_list("email", flat=True),
            context={
                "feedback": feedback,
                "admin_url": absolute_url("accessibility_feedback:inspect", feedback.pk),
            },
        )
    )
    return feedback
