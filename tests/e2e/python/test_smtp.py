"""Real mail delivery: dedicated `auth-return serve` instances with --smtp-url, an aiosmtpd server
on loopback catching the mail, and boto3 driving SignUp / ConfirmSignUp / ResendConfirmationCode.

Covers plain SMTP to loopback, STARTTLS against a private CA (--smtp-ca-file) with AUTH, a wrong
password and a dead SMTP server (CodeDeliveryFailureException, nothing kept, bounded time).

Needs AUTH_RETURN_BIN (exported by tests/e2e/run.sh): the binary under test.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from support import (  # noqa: F401  (auth_return is a fixture)
    CODE_RE,
    PASSWORD,
    Instance,
    auth_return,
    confirm,
    error_of,
    free_port,
    make_idp_client,
    password_auth,
    sign_up,
    stop,
    unique_email,
)
from support import create_app as create_app_in

SMTP_USER = "mailer"
SMTP_PASSWORD = "p@ss w0rd/%"  # percent-encoded in the URL
SMTP_PASSWORD_URL = "p%40ss%20w0rd%2F%25"
APP_NAME = 'SMTP "Test" Café'
DELIVERY_FAILED = "CodeDeliveryFailureException"


# --- the SMTP server --------------------------------------------------------------------------


@dataclass
class Sink:
    """An aiosmtpd handler that keeps every message it accepts."""

    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": list(envelope.rcpt_tos),
                    "authenticated": bool(session.authenticated),
                    "tls": session.ssl is not None,
                    "message": message,
                }
            )
        return "250 2.0.0 Message accepted"

    def wait_for(self, to: str, count: int = 1, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                found = [m for m in self.messages if to in m["rcpt_tos"]]
            if len(found) >= count:
                return found[count - 1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no message #{count} to {to} within {timeout}s")
            time.sleep(0.05)

    def count_to(self, to: str) -> int:
        with self.lock:
            return sum(1 for m in self.messages if to in m["rcpt_tos"])


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class Certs:
    ca: Path
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Certs:
    """A private CA and a server certificate it signed for 127.0.0.1 and localhost."""
    out = tmp_path_factory.mktemp("certs")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Auth Return e2e test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True,
                content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certs(ca=out / "ca.pem", cert=out / "cert.pem", key=out / "key.pem")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture
def smtp_server():
    """Factory: starts an aiosmtpd Controller on loopback (plain, or STARTTLS + AUTH required)."""
    started: list[Controller] = []

    def start(*, starttls_certs: Certs | None = None, port: int | None = None):
        sink = Sink()
        kwargs = {}
        if starttls_certs is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(starttls_certs.cert, starttls_certs.key)
            kwargs = dict(
                tls_context=context,
                require_starttls=True,
                authenticator=authenticator,
                auth_require_tls=True,
            )
        controller = Controller(
            sink,
            hostname="127.0.0.1",
            port=port or free_port(),
            server_hostname="smtp.e2e.test",
            ready_timeout=10,
            **kwargs,
        )
        controller.start()
        started.append(controller)
        return controller, sink

    yield start
    for controller in started:
        try:
            controller.stop()
        except Exception:  # noqa: BLE001  (already stopped by the test)
            pass


# --- the Auth Return server -------------------------------------------------------------------
# (the `auth_return` factory, `stop` and `create_app` live in support.py)


def create_app(instance: Instance, name: str = APP_NAME) -> dict:
    return create_app_in(instance, name)


# --- helpers --------------------------------------------------------------------------------------


def body_part(message, subtype: str) -> str:
    parts = [p for p in message.walk() if p.get_content_type() == f"text/{subtype}"]
    assert len(parts) == 1, f"expected one text/{subtype} part, found {len(parts)}"
    return parts[0].get_content()


def code_in(text: str) -> str:
    match = CODE_RE.search(text)
    assert match, f"no 6-digit code in {text!r}"
    return match.group(1)


def check_mail(caught: dict, to: str, app: dict, operator: str = "127.0.0.1") -> str:
    """Checks the shape of a verification mail; returns its code. The sender's name is
    "<app name> via <operator>" (--mail-from-name, by default the public URL's host), the
    app's name without the quotes, backslashes and angle brackets a display name must not
    carry."""
    message = caught["message"]
    assert caught["rcpt_tos"] == [to]
    sender = message["From"].addresses[0]
    shown = "".join(c for c in app["name"] if c not in '"\\<>')
    assert sender.display_name == f"{shown} via {operator}", message["From"]
    assert caught["mail_from"] == sender.addr_spec
    assert message["To"].addresses[0].addr_spec == to
    assert app["name"] in message["Subject"], message["Subject"]
    assert message["Date"] and message["Message-ID"]
    assert message.get_content_type() == "multipart/alternative"
    text_code = code_in(body_part(message, "plain"))
    html_code = code_in(body_part(message, "html"))
    assert text_code == html_code
    return text_code


def assert_delivery_failed(call) -> float:
    started = time.monotonic()
    with pytest.raises(ClientError) as exc:
        call()
    elapsed = time.monotonic() - started
    code, _ = error_of(exc)
    assert code == DELIVERY_FAILED, exc.value.response
    assert elapsed < 10, f"SignUp took {elapsed:.1f}s to fail"
    return elapsed


def assert_no_such_user(idp, app: dict, email_address: str) -> None:
    """Sign-in with the right password: an unconfirmed user would get UserNotConfirmedException;
    a user that does not exist gets NotAuthorizedException."""
    with pytest.raises(ClientError) as exc:
        password_auth(idp, app, email_address)
    assert error_of(exc)[0] == "NotAuthorizedException", exc.value.response


# --- tests ----------------------------------------------------------------------------------------


def test_signup_mail_is_delivered_over_smtp(smtp_server, auth_return):
    controller, sink = smtp_server()
    server = auth_return("--smtp-url", f"smtp://127.0.0.1:{controller.port}?tls=none",
                         "--mail-from", "accounts@auth.e2e.test",
                         "--mail-from-name", "Auth E2E")
    app = create_app(server)
    idp = make_idp_client(server.url)

    # SignUp → the mail, from "<app name> via <operator>"; its code confirms.
    first = unique_email("smtp")
    sign_up(idp, app, first)
    caught = sink.wait_for(first)
    assert caught["mail_from"] == "accounts@auth.e2e.test"
    code = check_mail(caught, first, app, operator="Auth E2E")
    confirm(idp, app, first, code)
    tokens = password_auth(idp, app, first)["AuthenticationResult"]
    assert tokens["IdToken"]

    # ResendConfirmationCode → a second mail whose code confirms.
    second = unique_email("smtp-resend")
    sign_up(idp, app, second)
    check_mail(sink.wait_for(second), second, app, operator="Auth E2E")
    idp.resend_confirmation_code(ClientId=app["client_id"], Username=second)
    resent = check_mail(sink.wait_for(second, count=2), second, app, operator="Auth E2E")
    confirm(idp, app, second, resent)
    assert password_auth(idp, app, second)["AuthenticationResult"]["AccessToken"]

    # With SMTP configured nothing goes to the development outbox.
    assert not (server.data_dir / "outbox.jsonl").exists()
    assert "mail sent" in server.log_text()


def test_starttls_with_auth_and_a_private_ca(smtp_server, auth_return, certs):
    controller, sink = smtp_server(starttls_certs=certs)
    url = f"smtp://{SMTP_USER}:{SMTP_PASSWORD_URL}@127.0.0.1:{controller.port}"
    server = auth_return("--smtp-url", url, "--smtp-ca-file", str(certs.ca))
    app = create_app(server)
    idp = make_idp_client(server.url)

    address = unique_email("starttls")
    sign_up(idp, app, address)
    caught = sink.wait_for(address)
    assert caught["tls"] and caught["authenticated"]
    confirm(idp, app, address, check_mail(caught, address, app))
    log = server.log_text()
    assert SMTP_PASSWORD_URL not in log and SMTP_PASSWORD not in log
    assert f"smtp://***@127.0.0.1:{controller.port}?tls=required" in log


def test_wrong_smtp_password_keeps_nothing(smtp_server, auth_return, certs):
    controller, sink = smtp_server(starttls_certs=certs)
    wrong = f"smtp://{SMTP_USER}:not-the-password@127.0.0.1:{controller.port}"
    server = auth_return("--smtp-url", wrong, "--smtp-ca-file", str(certs.ca))
    app = create_app(server)
    idp = make_idp_client(server.url)

    address = unique_email("wrong-password")
    assert_delivery_failed(lambda: sign_up(idp, app, address))
    assert sink.count_to(address) == 0
    assert_no_such_user(idp, app, address)
    assert "not-the-password" not in server.log_text()

    # An untrusted certificate (no --smtp-ca-file) fails the same way.
    stop(server)
    right = f"smtp://{SMTP_USER}:{SMTP_PASSWORD_URL}@127.0.0.1:{controller.port}"
    untrusted = auth_return("--smtp-url", right, data_dir=server.data_dir)
    idp = make_idp_client(untrusted.url)
    assert_delivery_failed(lambda: sign_up(idp, app, address))
    assert_no_such_user(idp, app, address)

    # Same data, right settings: the same address signs up (it was never kept).
    stop(untrusted)
    fixed = auth_return("--smtp-url", right, "--smtp-ca-file", str(certs.ca),
                        data_dir=server.data_dir)
    idp = make_idp_client(fixed.url)
    sign_up(idp, app, address)
    confirm(idp, app, address, check_mail(sink.wait_for(address), address, app))


def test_dead_smtp_server_fails_fast_and_keeps_nothing(smtp_server, auth_return):
    port = free_port()  # nothing listens here yet
    server = auth_return("--smtp-url", f"smtp://127.0.0.1:{port}?tls=none")
    app = create_app(server)
    idp = make_idp_client(server.url)

    address = unique_email("dead-smtp")
    assert_delivery_failed(lambda: sign_up(idp, app, address))
    assert_no_such_user(idp, app, address)
    # The failure names the server and the retries, never the message body.
    log = server.log_text()
    assert "mail delivery failed" in log and f"127.0.0.1:{port}" in log

    # The SMTP server comes up: the very same SignUp now succeeds (no UsernameExistsException).
    _, sink = smtp_server(port=port)
    sign_up(idp, app, address)
    confirm(idp, app, address, check_mail(sink.wait_for(address), address, app))
    assert password_auth(idp, app, address, PASSWORD)["AuthenticationResult"]["IdToken"]
