"""A delivery channel for the outbox's own tests: it records what it is asked to send and
fails on demand. The real channels (e-mail, wallets) have tests of their own."""

from __future__ import annotations

from openedx_microcreds.delivery.channels import Channel

PATH = "tests.delivery.recording.RecordingChannel"


class RecordingChannel(Channel):
    name = "recording"
    sent: list[tuple[int, str, str]] = []
    failures: list[BaseException] = []
    during_send = None  # a callable run inside send(), to interleave another task

    def targets(self, award, event):
        return ["recording:a", "recording:b"]

    def send(self, message):
        if type(self).during_send is not None:
            type(self).during_send(message)
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((message.award_id, message.event, message.channel))

    @classmethod
    def reset(cls):
        cls.sent.clear()
        cls.failures.clear()
        cls.during_send = None
