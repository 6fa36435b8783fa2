"""A real SMTP server on loopback for tests: STARTTLS required, then AUTH (PLAIN or LOGIN) required, as a
submission server would have it. It keeps every message it is given and can be told to refuse the next few with a
temporary failure, so a client's retry can be tested.

Built on aiosmtpd (pinned in e2e/requirements.txt); the throwaway certificate is made with the openssl command line.
Usage:

    mail = MailServer("reachable", "secret").start()
    ... point the app at 127.0.0.1:mail.port, trusting mail.ca_file ...
    [sent] = mail.wait_for(lambda m: "ana@example.org" in m["rcpt_tos"])
    mail.stop()
"""
import email
import email.policy
import hmac
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class _Controller(Controller):
    """aiosmtpd's Controller, on port 0: the port the system chose is read back once the socket is bound (before
    the controller connects to itself to check the server is up), so there is no race for a free port."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class MailServer:
    def __init__(self, username, password):
        self.username, self.password = username, password
        self.host = "127.0.0.1"
        self.port = None
        self.ca_file = None  # the server's self-signed certificate, for the client to trust
        self.received = []
        self._lock = threading.Condition()
        self._refuse = []  # (stage, code) for the next commands to refuse
        self._dir = None
        self._controller = None

    def start(self):
        self._dir = Path(tempfile.mkdtemp(prefix="mail-server-"))
        cert, key = self._dir / "cert.pem", self._dir / "key.pem"
        # Self-signed, so it is its own CA (CA:TRUE) for the client that is told to trust it; names localhost and
        # 127.0.0.1 so hostname checks pass either way; two days, so a leftover one soon stops being trusted.
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
             "-addext", "extendedKeyUsage=serverAuth"],
            check=True, capture_output=True)
        self.ca_file = str(cert)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self._controller = _Controller(
            _Handler(self), hostname=self.host, port=0,
            server_hostname="localhost",  # else aiosmtpd asks DNS for this machine's name, which may hang here
            tls_context=context, require_starttls=True,
            authenticator=self._authenticate, auth_required=True, auth_require_tls=True)
        self._controller.start()
        self.port = self._controller.port
        return self

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    # --- what was received ---

    def messages(self, to=None):
        with self._lock:
            return [m for m in self.received if to is None or to.lower() in (r.lower() for r in m["rcpt_tos"])]

    def wait_for(self, predicate, timeout=5.0):
        """The received messages matching `predicate`, as soon as there is at least one."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.received if predicate(m)]
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching mail within {timeout}s; received for: "
                                         f"{[m['rcpt_tos'] for m in self.received]}")
                self._lock.wait(left)

    def clear(self):
        with self._lock:
            self.received.clear()
            self._refuse.clear()

    # --- failure injection ---

    def refuse_next(self, n, code=451, *, stage="DATA"):
        """The next n DATA (or, with stage="RCPT", RCPT) commands get a temporary failure such as
        `451 4.3.0 Try again later`, and nothing is stored."""
        assert stage in ("DATA", "RCPT")
        with self._lock:
            self._refuse.extend([(stage, code)] * n)

    def _take_refusal(self, stage):
        with self._lock:
            if self._refuse and self._refuse[0][0] == stage:
                _, code = self._refuse.pop(0)
                return f"{code} {code // 100}.3.0 Try again later"
        return None

    # --- called from aiosmtpd's thread ---

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        # aiosmtpd hands PLAIN and LOGIN credentials over as LoginPassword (bytes); anything else is refused.
        if mechanism in ("PLAIN", "LOGIN") and isinstance(auth_data, LoginPassword):
            ok_user = hmac.compare_digest(auth_data.login, self.username.encode())
            ok_password = hmac.compare_digest(auth_data.password, self.password.encode())
            if ok_user and ok_password:
                return AuthResult(success=True, auth_data=self.username)
        return AuthResult(success=False, handled=False)

    def _store(self, session, envelope):
        raw = envelope.original_content or envelope.content
        record = {
            "mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos), "raw": raw,
            "message": email.message_from_bytes(raw, policy=email.policy.default),
            "tls": session.ssl is not None,  # aiosmtpd fills session.ssl once STARTTLS has completed
            "user": session.auth_data if session.authenticated else None,
            "peer": session.peer, "time": time.time(),
        }
        with self._lock:
            self.received.append(record)
            self._lock.notify_all()


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.server._take_refusal("RCPT")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self.server._take_refusal("DATA")
        if refusal:
            return refusal
        self.server._store(session, envelope)
        return "250 2.0.0 OK: queued"
