"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it accepts, for the job tests
and the email benchmark. It can defer ("451 try later") or hold a message mid-conversation."""

import asyncio
import email
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self):
        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID) accepted
        self.defer: set[str] = set()  # recipients answered "451 try later"
        self.hold: str | None = None  # a recipient whose message waits for `release`
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        recipient = envelope.rcpt_tos[0]
        if recipient in self.defer:
            return "451 4.3.0 Try again later"
        if recipient == self.hold:
            self.hold = None
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            return "451 4.3.0 Not accepted"
        message_id = email.message_from_bytes(envelope.content)["Message-ID"]
        with self._lock:
            self.received.append((recipient, message_id))
        return "250 OK"

    def recipients(self) -> list[str]:
        with self._lock:
            return sorted(r for r, _ in self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_sink():
    """(sink, port): a running SMTP server, stopped afterwards."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        sink.release.set()
        controller.stop()
