//! A software passkey for load tests: a P-256 key (ES256) that answers WebAuthn creation and
//! request options as a browser and a platform authenticator would (WebAuthn Level 2 §6.1 the
//! authenticator data, §6.5 attestation "none", §5.2 the JSON a browser's `toJSON()` writes),
//! with user presence and verification. No attestation, signature counter 0 (as synced
//! passkeys have).

use anyhow::{Context, anyhow};
use auth_return_crypto::hash::sha256;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// Authenticator data flags: user present, user verified, attested credential data.
const FLAGS_CREATE: u8 = 0x01 | 0x04 | 0x40;
/// User present and verified.
const FLAGS_GET: u8 = 0x01 | 0x04;

/// A passkey held by this process.
pub struct SoftPasskey {
    key: EcdsaKeyPair,
    credential_id: [u8; 32],
    origin: String,
}

/// A CBOR head (RFC 8949 §3): major type and argument.
fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        _ => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
    }
}

/// A CBOR integer.
fn int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        head(out, 0, n as u64);
    } else {
        head(out, 1, (-1 - n) as u64);
    }
}

/// A CBOR byte string.
fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    head(out, 2, b.len() as u64);
    out.extend_from_slice(b);
}

/// A CBOR text string.
fn text(out: &mut Vec<u8>, s: &str) {
    head(out, 3, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

impl SoftPasskey {
    /// A new passkey for pages on `origin`.
    pub fn new(origin: &str) -> anyhow::Result<Self> {
        let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING)
            .map_err(|_| anyhow!("generating a P-256 key"))?;
        Ok(Self {
            key,
            credential_id: auth_return_crypto::random::bytes::<32>(),
            origin: origin.to_owned(),
        })
    }

    /// `clientDataJSON` for a ceremony of `kind` over `challenge` (base64url, as given).
    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({ "type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    /// The COSE_Key of the public key (RFC 9053 §7.1.1: EC2, P-256, ES256).
    fn cose_key(&self) -> anyhow::Result<Vec<u8>> {
        let point = self.key.public_key().as_ref();
        if point.len() != 65 || point[0] != 4 {
            return Err(anyhow!("not an uncompressed P-256 point"));
        }
        let mut out = Vec::new();
        head(&mut out, 5, 5);
        for (k, v) in [(1, 2), (3, -7), (-1, 1)] {
            int(&mut out, k);
            int(&mut out, v);
        }
        int(&mut out, -2);
        bytes(&mut out, &point[1..33]);
        int(&mut out, -3);
        bytes(&mut out, &point[33..]);
        Ok(out)
    }

    /// The registration answer to `options` (StartWebAuthnRegistration's
    /// `CredentialCreationOptions`), as CompleteWebAuthnRegistration takes it.
    pub fn register(&self, options: &Value) -> anyhow::Result<Value> {
        let rp_id = options["rp"]["id"].as_str().context("rp.id")?;
        let challenge = options["challenge"].as_str().context("challenge")?;
        let mut auth_data = sha256(rp_id.as_bytes()).to_vec();
        auth_data.push(FLAGS_CREATE);
        auth_data.extend(0u32.to_be_bytes());
        auth_data.extend([0u8; 16]);
        auth_data.extend((self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend(self.credential_id);
        auth_data.extend(self.cose_key()?);
        let mut attestation = Vec::new();
        head(&mut attestation, 5, 3);
        text(&mut attestation, "fmt");
        text(&mut attestation, "none");
        text(&mut attestation, "attStmt");
        head(&mut attestation, 5, 0);
        text(&mut attestation, "authData");
        bytes(&mut attestation, &auth_data);
        let id = b64(&self.credential_id);
        Ok(json!({
            "id": id, "rawId": id, "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64(&self.client_data("webauthn.create", challenge)),
                "attestationObject": b64(&attestation),
                "transports": ["internal"],
            },
        }))
    }

    /// The assertion answering `options` (the `WEB_AUTHN` challenge's
    /// `CREDENTIAL_REQUEST_OPTIONS`), as the `CREDENTIAL` answer takes it.
    pub fn assert(&self, options: &Value) -> anyhow::Result<Value> {
        let rp_id = options["rpId"].as_str().context("rpId")?;
        let challenge = options["challenge"].as_str().context("challenge")?;
        let mut auth_data = sha256(rp_id.as_bytes()).to_vec();
        auth_data.push(FLAGS_GET);
        auth_data.extend(0u32.to_be_bytes());
        let client_data = self.client_data("webauthn.get", challenge);
        let mut signed = auth_data.clone();
        signed.extend(sha256(&client_data));
        let signature = self
            .key
            .sign(&SystemRandom::new(), &signed)
            .map_err(|_| anyhow!("signing"))?;
        let id = b64(&self.credential_id);
        Ok(json!({
            "id": id, "rawId": id, "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(signature.as_ref()),
            },
        }))
    }
}
