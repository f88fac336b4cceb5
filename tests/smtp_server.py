"""A tiny SMTP server for tests: a real socket and real SMTP answers, no mocks. It accepts mail
for every address except those told to refuse: ``refuse`` get a permanent 550 (no such mailbox),
``defer`` a temporary 451 (greylisting). ``messages`` holds (recipients, data) of what was
accepted; ``attempts`` every address asked for in RCPT TO."""

from __future__ import annotations

import re
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self):
        server: SmtpServer = self.server.owner
        recipients: list[str] = []
        self.reply("220 localhost test SMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                match = re.search(r"<([^>]*)>", command)
                address = match.group(1) if match else ""
                server.attempts.append(address)
                if address in server.refuse:
                    self.reply("550 5.1.1 No such mailbox")
                elif address in server.defer:
                    self.reply("451 4.7.1 Greylisted, try again later")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data.append(chunk)
                server.messages.append((list(recipients), b"".join(data)))
                self.reply("250 OK queued")
            elif verb == "RSET":
                recipients = []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpServer:
    def __init__(self, *, refuse=(), defer=()):
        self.refuse, self.defer = set(refuse), set(defer)
        self.messages: list[tuple[list[str], bytes]] = []
        self.attempts: list[str] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def delivered_to(self) -> list[str]:
        return [address for recipients, _data in self.messages for address in recipients]
