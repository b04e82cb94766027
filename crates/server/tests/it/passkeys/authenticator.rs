//! A software authenticator: what a browser and a platform authenticator hand a relying party,
//! built from the options the server gave, as `PublicKeyCredential.toJSON()` (and Amplify) write
//! it: binary members base64url without padding.
//!
//! Registration (`navigator.credentials.create`): `clientDataJSON` of type `webauthn.create`, and
//! an attestation object of format `none`, whose authenticator data carry an ES256 (P-256) public
//! key as a COSE key. Sign-in (`navigator.credentials.get`): `clientDataJSON` of type
//! `webauthn.get`, authenticator data, and an ECDSA P-256 SHA-256 signature (ASN.1 DER) over
//! `authenticatorData || SHA-256(clientDataJSON)` (WebAuthn Level 2 §6.1, §6.5, §7).
//!
//! [`Ceremony`] says how one answer departs from a well-behaved one (another origin, another
//! relying party, another type or challenge, other flags, the signature counter).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// The browser origin the tests' apps allow (`passkeys.origins`).
pub const ORIGIN: &str = "http://localhost:5173";

/// User present.
pub const UP: u8 = 0x01;
/// User verified.
pub const UV: u8 = 0x04;
/// Backup eligible.
pub const BE: u8 = 0x08;
/// Backed up.
pub const BS: u8 = 0x10;
/// Attested credential data included.
pub const AT: u8 = 0x40;

/// How one answer is made; `Ceremony::default()` is what a browser on [`ORIGIN`] with a
/// verifying platform authenticator sends.
#[derive(Clone, Debug)]
pub struct Ceremony {
    /// `clientDataJSON.origin`.
    pub origin: String,
    /// The relying party whose id is hashed into the authenticator data; `None`: the options'.
    pub rp_id: Option<String>,
    /// `clientDataJSON.type`; `None`: `webauthn.create` or `webauthn.get`.
    pub client_type: Option<String>,
    /// `clientDataJSON.challenge`; `None`: the options'.
    pub challenge: Option<String>,
    /// The authenticator data's flags; `None`: UP|UV (and AT on registration).
    pub flags: Option<u8>,
    /// The signature counter.
    pub counter: u32,
    /// Whether a sign-in's answer carries `userHandle` (the user id registered).
    pub user_handle: bool,
}

impl Default for Ceremony {
    fn default() -> Self {
        Self {
            origin: ORIGIN.to_owned(),
            rp_id: None,
            client_type: None,
            challenge: None,
            flags: None,
            counter: 0,
            user_handle: true,
        }
    }
}

impl Ceremony {
    /// A well-behaved answer with signature counter `counter`.
    pub fn counter(counter: u32) -> Self {
        Self {
            counter,
            ..Self::default()
        }
    }

    /// A well-behaved answer, but from `origin`.
    pub fn origin(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            ..Self::default()
        }
    }
}

/// One credential: a P-256 key pair and the id the authenticator chose. Cloning it clones the
/// key (as a synced passkey, or a cloned authenticator, would).
#[derive(Clone)]
pub struct Authenticator {
    pkcs8: Vec<u8>,
    credential_id: Vec<u8>,
    /// The user id (`user.id`, base64url) of the last registration, for `userHandle`.
    user_handle: Option<String>,
    /// `response.transports`.
    pub transports: Vec<&'static str>,
    /// `authenticatorAttachment`.
    pub attachment: &'static str,
}

impl Authenticator {
    /// A new credential: a fresh key pair and a random 32-byte id, reached as a platform
    /// authenticator (`internal`, `hybrid`).
    pub fn new() -> Self {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &SystemRandom::new())
                .unwrap();
        Self {
            pkcs8: pkcs8.as_ref().to_vec(),
            credential_id: auth_return_crypto::random::bytes::<32>().to_vec(),
            user_handle: None,
            transports: vec!["internal", "hybrid"],
            attachment: "platform",
        }
    }

    /// The same key pair under another credential id.
    pub fn with_id(&self, id: &[u8]) -> Self {
        Self {
            credential_id: id.to_vec(),
            ..self.clone()
        }
    }

    /// The same credential, answering with `handle` as its `userHandle` (base64url) instead of
    /// the registered one (`None`: with none).
    pub fn with_user_handle(&self, handle: Option<String>) -> Self {
        Self {
            user_handle: handle,
            ..self.clone()
        }
    }

    /// The credential id, base64url (`CredentialId`, `allowCredentials[].id`).
    pub fn id(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.credential_id)
    }

    fn key(&self) -> EcdsaKeyPair {
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &self.pkcs8).unwrap()
    }

    /// The answer to `CredentialCreationOptions` (StartWebAuthnRegistration's): the registration
    /// `PublicKeyCredential` as JSON. Remembers `user.id` for later `userHandle`s.
    pub fn register(&mut self, options: &Value, how: &Ceremony) -> Value {
        let rp_id = how
            .rp_id
            .clone()
            .unwrap_or_else(|| options["rp"]["id"].as_str().unwrap().to_owned());
        self.user_handle = options["user"]["id"].as_str().map(str::to_owned);
        let client_data = client_data(options, how, "webauthn.create");

        // The attested credential data: AAGUID (zero: no attestation), the id, the COSE key.
        let public = self.key().public_key().as_ref().to_vec();
        assert_eq!(public.len(), 65, "an uncompressed P-256 point");
        let mut cose = Cbor::default();
        cose.map(5);
        cose.int(1).int(2); // kty: EC2
        cose.int(3).int(-7); // alg: ES256
        cose.int(-1).int(1); // crv: P-256
        cose.int(-2).bytes(&public[1..33]); // x
        cose.int(-3).bytes(&public[33..]); // y
        let mut auth_data = authenticator_data(&rp_id, how.flags.unwrap_or(UP | UV | AT), how);
        auth_data.extend_from_slice(&[0; 16]);
        auth_data.extend_from_slice(&(self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.credential_id);
        auth_data.extend_from_slice(&cose.0);

        let mut attestation = Cbor::default();
        attestation.map(3);
        attestation.text("fmt").text("none");
        attestation.text("attStmt").map(0);
        attestation.text("authData").bytes(&auth_data);

        json!({
            "id": self.id(),
            "rawId": self.id(),
            "type": "public-key",
            "response": {
                "clientDataJSON": URL_SAFE_NO_PAD.encode(&client_data),
                "attestationObject": URL_SAFE_NO_PAD.encode(&attestation.0),
                "transports": self.transports,
            },
            "authenticatorAttachment": self.attachment,
            "clientExtensionResults": {},
        })
    }

    /// The answer to `PublicKeyCredentialRequestOptions` (`CREDENTIAL_REQUEST_OPTIONS`, parsed):
    /// the assertion `PublicKeyCredential` as JSON.
    pub fn assert(&self, options: &Value, how: &Ceremony) -> Value {
        let rp_id = how
            .rp_id
            .clone()
            .unwrap_or_else(|| options["rpId"].as_str().unwrap().to_owned());
        let client_data = client_data(options, how, "webauthn.get");
        let auth_data = authenticator_data(&rp_id, how.flags.unwrap_or(UP | UV), how);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&auth_return_crypto::hash::sha256(&client_data));
        let signature = self.key().sign(&SystemRandom::new(), &signed).unwrap();
        let user_handle = match (&self.user_handle, how.user_handle) {
            (Some(handle), true) => json!(handle),
            _ => Value::Null,
        };
        json!({
            "id": self.id(),
            "rawId": self.id(),
            "type": "public-key",
            "response": {
                "clientDataJSON": URL_SAFE_NO_PAD.encode(&client_data),
                "authenticatorData": URL_SAFE_NO_PAD.encode(&auth_data),
                "signature": URL_SAFE_NO_PAD.encode(signature.as_ref()),
                "userHandle": user_handle,
            },
            "authenticatorAttachment": self.attachment,
            "clientExtensionResults": {},
        })
    }
}

/// `clientDataJSON`'s bytes, as a browser serialises them.
fn client_data(options: &Value, how: &Ceremony, kind: &str) -> Vec<u8> {
    let challenge = how
        .challenge
        .clone()
        .unwrap_or_else(|| options["challenge"].as_str().unwrap().to_owned());
    let kind = how.client_type.as_deref().unwrap_or(kind);
    format!(
        r#"{{"type":"{kind}","challenge":"{challenge}","origin":"{}","crossOrigin":false}}"#,
        how.origin
    )
    .into_bytes()
}

/// The authenticator data's first 37 bytes: SHA-256(rpId), flags, signature counter.
fn authenticator_data(rp_id: &str, flags: u8, how: &Ceremony) -> Vec<u8> {
    let mut data = auth_return_crypto::hash::sha256(rp_id.as_bytes()).to_vec();
    data.push(flags);
    data.extend_from_slice(&how.counter.to_be_bytes());
    data
}

/// Just enough CBOR (RFC 8949) for an attestation object and a COSE key: maps, integers,
/// byte and text strings, in definite lengths.
#[derive(Default)]
struct Cbor(Vec<u8>);

impl Cbor {
    fn head(&mut self, major: u8, n: u64) -> &mut Self {
        let major = major << 5;
        match n {
            0..=23 => self.0.push(major | n as u8),
            24..=0xff => self.0.extend([major | 24, n as u8]),
            0x100..=0xffff => {
                self.0.push(major | 25);
                self.0.extend((n as u16).to_be_bytes());
            }
            _ => {
                self.0.push(major | 26);
                self.0.extend((n as u32).to_be_bytes());
            }
        }
        self
    }

    fn int(&mut self, n: i64) -> &mut Self {
        if n >= 0 {
            self.head(0, n as u64)
        } else {
            self.head(1, (-1 - n) as u64)
        }
    }

    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.head(2, b.len() as u64);
        self.0.extend_from_slice(b);
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.head(3, s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
        self
    }

    fn map(&mut self, pairs: u64) -> &mut Self {
        self.head(5, pairs)
    }
}

#[test]
fn cbor_encodes_as_rfc_8949_appendix_a() {
    let mut c = Cbor::default();
    c.int(0).int(23).int(24).int(-1).int(-7).int(1000);
    assert_eq!(c.0, [0x00, 0x17, 0x18, 0x18, 0x20, 0x26, 0x19, 0x03, 0xe8]);
    let mut c = Cbor::default();
    c.map(1).text("a").bytes(&[1, 2]);
    assert_eq!(c.0, [0xa1, 0x61, 0x61, 0x42, 0x01, 0x02]);
}
