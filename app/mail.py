"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise .eml files under instance/outbox/."""

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template


def send_mail(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render templates/email/<template>.txt and send it (or write it to the outbox)."""
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="rollcall.local")
    msg.set_content(render_template(f"email/{template}.txt", **context))
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(msg)
    else:
        outbox = Path(config["OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{msg['Date'][5:16].replace(' ', '-')}-{uuid.uuid4().hex[:12]}.eml").write_bytes(
            bytes(msg)
        )
    return msg
