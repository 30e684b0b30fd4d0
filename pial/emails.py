"""Building the e-mails pial sends: French, plain text and HTML, no health data."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

LIST_ID = "pial <notifications.pial.invalid>"


def build_email(*, template: str, to: list[str], context: dict) -> EmailMultiAlternatives:
    """Renders templates/emails/<template>.{subject.txt,txt,html} into one message."""
    context = {**context, "site_url": settings.SITE_URL}
    subject = render_to_string(f"emails/{template}.subject.txt", context).strip()
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"[pial] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers={"List-Id": LIST_ID, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
