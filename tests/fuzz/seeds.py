#!/usr/bin/env python3
"""Writes the token seeds of the fuzz corpus (fuzz/corpus/jwt/) from the test key
(fuzz/keys/test-rs256.pk8): real RS256 ID and access tokens as the server issues them, and the
same claims in the target's sign-it-here form. Needs python3 and the openssl command.

    python3 tests/fuzz/seeds.py
"""
import base64
import hashlib
import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY = ROOT / "fuzz/keys/test-rs256.pk8"
OUT = ROOT / "fuzz/corpus/jwt"
# fuzz/src/verifier.rs
ISSUER = "https://auth.example.com/eu-west-1_Fuzz0001"
CLIENT_ID = "fuzzclient0000000000000001"
EXP = 1_900_000_000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def modulus() -> bytes:
    out = subprocess.run(
        ["openssl", "rsa", "-inform", "DER", "-in", str(KEY), "-noout", "-modulus"],
        check=True, capture_output=True, text=True,
    ).stdout
    return bytes.fromhex(out.strip().split("=", 1)[1])


def kid() -> str:
    # RFC 7638 thumbprint, as crates/crypto/src/jws/jwk.rs computes it.
    canonical = '{"e":"%s","kty":"RSA","n":"%s"}' % (b64((65537).to_bytes(3, "big")), b64(modulus()))
    return b64(hashlib.sha256(canonical.encode()).digest())


def sign(header: bytes, payload: bytes) -> str:
    signing_input = f"{b64(header)}.{b64(payload)}".encode()
    signature = subprocess.run(
        ["openssl", "dgst", "-sha256", "-keyform", "DER", "-sign", str(KEY)],
        input=signing_input, check=True, capture_output=True,
    ).stdout
    return f"{signing_input.decode()}.{b64(signature)}"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    header = json.dumps({"kid": kid(), "alg": "RS256"}, separators=(",", ":")).encode()
    common = {
        "sub": "5f0d1c3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f",
        "iss": ISSUER,
        "origin_jti": "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
        "event_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "auth_time": 1_799_999_000,
        "iat": 1_799_999_000,
        "exp": EXP,
        "jti": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    }
    id_claims = dict(common, aud=CLIENT_ID, token_use="id", email="alice@example.com",
                     email_verified=True, **{"cognito:username": "5f0d1c3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f",
                                             "cognito:groups": ["admins"]})
    access_claims = dict(common, client_id=CLIENT_ID, token_use="access",
                         scope="aws.cognito.signin.user.admin", username="alice@example.com")
    expired = dict(access_claims, exp=1_700_000_000)
    seeds = {
        "id-token": b"r" + sign(header, json.dumps(id_claims).encode()).encode(),
        "access-token": b"r" + sign(header, json.dumps(access_claims).encode()).encode(),
        "expired-access-token": b"r" + sign(header, json.dumps(expired).encode()).encode(),
        "signed-here-id": b"s" + header + b"\n" + json.dumps(id_claims).encode(),
        "signed-here-access": b"s" + header + b"\n" + json.dumps(access_claims).encode(),
        "alg-none": b"s" + b'{"alg":"none","kid":"' + kid().encode() + b'"}\n' + json.dumps(access_claims).encode(),
    }
    for name, data in seeds.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(seeds)} seeds to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
