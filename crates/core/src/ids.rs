//! Typed identifiers: a pool, client, app, API key, user or session id can never be passed
//! where another is expected.

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "sqlx")]
mod sql;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id read from storage or already validated input.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// A user pool id, `<region>_<9 alphanumerics>` (docs/cognito-protocol.md §2).
    PoolId
);
string_id!(
    /// An app client id: 26 lowercase alphanumerics, unique across all pools
    /// (docs/cognito-protocol.md §2).
    ClientId
);
string_id!(
    /// An app id: `console` for the built-in developer app, `app_<12 lowercase alphanumerics>` otherwise.
    AppId
);
string_id!(
    /// An API key's public id, `key_<20 lowercase alphanumerics>`: names the key in lists,
    /// revocations and verify answers; it is no secret.
    ApiKeyId
);

string_id!(
    /// A webhook endpoint's id, `wh_` and 20 lowercase alphanumerics; it is no secret.
    WebhookId
);

impl WebhookId {
    /// What every webhook endpoint id starts with.
    pub const PREFIX: &'static str = "wh_";

    /// Generates a fresh endpoint id.
    pub fn generate() -> Self {
        Self(format!(
            "{}{}",
            Self::PREFIX,
            auth_return_crypto::random::lower_alphanumeric(20)
        ))
    }
}

/// Parses an endpoint id given from outside; anything not of the generated shape names no
/// endpoint.
impl FromStr for WebhookId {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        if has_generated_shape(value, Self::PREFIX, 20) {
            Ok(Self::new(value))
        } else {
            Err(Error::WebhookNotFound)
        }
    }
}

string_id!(
    /// An AWS-style access key id, `AKAR` and 16 uppercase alphanumerics (20 characters, as
    /// AWS's): names a developer's access key in SigV4's `Credential`; it is no secret.
    AccessKeyId
);

impl AccessKeyId {
    /// What every access key id starts with.
    pub const PREFIX: &'static str = "AKAR";

    /// Generates a fresh access key id.
    pub fn generate() -> Self {
        Self(format!(
            "{}{}",
            Self::PREFIX,
            auth_return_crypto::random::upper_alphanumeric(16)
        ))
    }
}

/// Parses an access key id given from outside; anything not of the generated shape names no
/// key, so it is answered as one that does not exist.
impl FromStr for AccessKeyId {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        let well_formed = value.strip_prefix(Self::PREFIX).is_some_and(|rest| {
            rest.len() == 16
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        });
        if well_formed {
            Ok(Self::new(value))
        } else {
            Err(Error::AccessKeyNotFound)
        }
    }
}

impl PoolId {
    /// Generates a fresh pool id for `region`.
    pub fn generate(region: &str) -> Self {
        Self(format!(
            "{region}_{}",
            auth_return_crypto::random::alphanumeric(9)
        ))
    }

    /// The SRP "pool name": the part after the first `_`, hashed into every verifier
    /// (docs/cognito-protocol.md §3.4).
    pub fn srp_name(&self) -> &str {
        self.0
            .split_once('_')
            .map_or(self.0.as_str(), |(_, name)| name)
    }

    /// The pseudo-region: the part before the first `_`.
    pub fn region(&self) -> &str {
        self.0.split_once('_').map_or("", |(region, _)| region)
    }

    /// Whether `value` has the shape clients require (`^[\w-]+_[0-9a-zA-Z]+$`, at most 55 chars).
    pub fn is_well_formed(value: &str) -> bool {
        let Some((region, name)) = value.split_once('_') else {
            return false;
        };
        value.len() <= 55
            && !region.is_empty()
            && region
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric())
    }
}

impl ClientId {
    /// Generates a fresh client id.
    pub fn generate() -> Self {
        Self(auth_return_crypto::random::lower_alphanumeric(26))
    }
}

impl ApiKeyId {
    /// Generates a fresh key id.
    pub fn generate() -> Self {
        Self(format!(
            "key_{}",
            auth_return_crypto::random::lower_alphanumeric(20)
        ))
    }
}

impl AppId {
    /// The id of the built-in developer console app.
    pub const CONSOLE: &'static str = "console";

    /// Generates a fresh app id.
    pub fn generate() -> Self {
        Self(format!(
            "app_{}",
            auth_return_crypto::random::lower_alphanumeric(12)
        ))
    }

    /// The built-in console app's id.
    pub fn console() -> Self {
        Self::new(Self::CONSOLE)
    }

    /// Whether this is the built-in console app.
    pub fn is_console(&self) -> bool {
        self.0 == Self::CONSOLE
    }
}

/// Whether `value` is `prefix` followed by exactly `len` lowercase alphanumerics.
fn has_generated_shape(value: &str, prefix: &str, len: usize) -> bool {
    value.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == len
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

/// Parses an app id given from outside: `console` or a generated id. Anything else names no
/// app, so it is answered as one that does not exist.
impl FromStr for AppId {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        if value == Self::CONSOLE || has_generated_shape(value, "app_", 12) {
            Ok(Self::new(value))
        } else {
            Err(Error::AppNotFound)
        }
    }
}

/// Parses a pool id given from outside; anything not of the shape clients require names no
/// pool, so it is answered as one that does not exist (echoed cut to 55 characters).
impl FromStr for PoolId {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        if Self::is_well_formed(value) {
            Ok(Self::new(value))
        } else {
            Err(Error::PoolNotFound(Self::new(
                value.chars().take(55).collect::<String>(),
            )))
        }
    }
}

/// Parses a key id given from outside; anything not of the generated shape names no key, so
/// it is answered as one that does not exist.
impl FromStr for ApiKeyId {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        if has_generated_shape(value, "key_", 20) {
            Ok(Self::new(value))
        } else {
            Err(Error::ApiKeyNotFound)
        }
    }
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A fresh random (v4) id.
            pub fn generate() -> Self {
                Self(uuid::Uuid::new_v4())
            }

            /// Wraps a UUID read from storage.
            pub fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id)
            }

            /// Parses the hyphenated form; `None` for anything else.
            pub fn parse(value: &str) -> Option<Self> {
                uuid::Uuid::try_parse(value).ok().map(Self)
            }

            /// The underlying UUID.
            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A user's immutable id: the `sub` claim and, in email-as-username pools, the internal
    /// username.
    UserId
);
uuid_id!(
    /// A sign-in session's id: the `origin_jti` claim every token of the session carries, and
    /// the key of its revocation-feed entry.
    SessionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pool_ids_match_the_client_pattern() {
        let id = PoolId::generate("local");
        assert!(PoolId::is_well_formed(id.as_str()), "{id}");
        assert_eq!(id.region(), "local");
        assert_eq!(id.srp_name().len(), 9);
    }

    #[test]
    fn malformed_pool_ids_are_rejected() {
        for bad in [
            "",
            "local",
            "_abc",
            "local_",
            "local_ab-c",
            "lo cal_abc",
            "local_ab.c",
        ] {
            assert!(!PoolId::is_well_formed(bad), "{bad}");
            assert!(
                matches!(bad.parse::<PoolId>(), Err(Error::PoolNotFound(id)) if id.as_str() == bad),
                "{bad}"
            );
        }
        assert!(PoolId::is_well_formed("us-east-1_ExAmPle12"));
        assert!("us-east-1_ExAmPle12".parse::<PoolId>().is_ok());
        let long = format!("local_{}", "a".repeat(60));
        assert!(
            matches!(long.parse::<PoolId>(), Err(Error::PoolNotFound(id)) if id.as_str() == &long[..55])
        );
    }

    #[test]
    fn app_and_key_ids_parse_only_in_their_generated_shape() {
        let app = AppId::generate();
        assert_eq!(app.as_str().parse::<AppId>().ok(), Some(app));
        assert!("console".parse::<AppId>().is_ok());
        let key = ApiKeyId::generate();
        assert_eq!(key.as_str().parse::<ApiKeyId>().ok(), Some(key));
        for bad in [
            "",
            "app_",
            "app_nosuchapp",
            "app_ABCDEFGHIJKL",
            "app_abcdefghijk!",
            "Console",
        ] {
            assert!(
                matches!(bad.parse::<AppId>(), Err(Error::AppNotFound)),
                "{bad}"
            );
        }
        for bad in [
            "",
            "key_x",
            "key_nosuchkey",
            &format!("key_{}", "A".repeat(20)),
        ] {
            assert!(
                matches!(bad.parse::<ApiKeyId>(), Err(Error::ApiKeyNotFound)),
                "{bad}"
            );
        }
    }

    #[test]
    fn client_ids_are_26_lowercase_alphanumerics() {
        let id = ClientId::generate();
        assert_eq!(id.as_str().len(), 26);
        assert!(
            id.as_str()
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
    }
}
