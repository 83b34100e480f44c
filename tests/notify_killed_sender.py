"""A sender process that is killed (SIGKILL) right after the SMTP server accepted a message.

python -m tests.notify_killed_sender SMTP_PORT     (the store from the environment)
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from email.message import Message
from pathlib import Path

from betotrace_es.mail.render import Renderer
from betotrace_es.mail.sender import MailSender
from betotrace_es.mail.transport import SmtpTransport
from projections.framework.wiring import open_read_side
from projections.notifications.outbox import OutboxStore
from tests.notify_support import BASE_URL, SECRET, mail_settings


class KilledAfterSend(SmtpTransport):
    """Delivers, then dies before anyone can mark the message sent."""

    def send(self, message: Message) -> None:
        super().send(message)
        os.kill(os.getpid(), signal.SIGKILL)


def main(port: int) -> None:
    """Claim and send the due mail until the first one kills the process."""
    settings = mail_settings(Path(tempfile.gettempdir()), port, lease_seconds=0.3)
    outbox = OutboxStore(open_read_side().store)
    renderer = Renderer(BASE_URL, SECRET, settings.sender)
    MailSender(outbox, KilledAfterSend(settings), renderer, settings).send_all_due()


if __name__ == "__main__":
    main(int(sys.argv[1]))
