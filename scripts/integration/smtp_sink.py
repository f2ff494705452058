"""aiosmtpd handler for the SMTP integration test: saves every message to a folder.

    PYTHONPATH=scripts/integration python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink DIR

For message N it writes DIR/N.json (the envelope: mail_from, rcpt_tos) and DIR/N.eml (the DATA bytes, as
received), each renamed into place so a reader never sees half a file. The .eml is written last.
"""
import itertools
import json
import os


class Sink:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.counter = itertools.count(1)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the folder to save messages in")
        return cls(args[0])

    def _write(self, path, data):
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.rename(path + ".tmp", path)

    async def handle_DATA(self, server, session, envelope):
        base = os.path.join(self.directory, "%04d" % next(self.counter))
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}
        self._write(base + ".json", json.dumps(meta).encode())
        self._write(base + ".eml", envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"
