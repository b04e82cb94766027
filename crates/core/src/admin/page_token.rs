//! ListUsers pagination tokens: where the next page starts, opaque to the caller. In id order the
//! token is the last user's id; in value order (a prefix filter on email or an attribute) it is
//! the last user's value and id, so the next page is an index range however many users match.

use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::model::{User, UserCursor, UserFilter};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn invalid() -> Error {
    Error::InvalidParameter("Invalid pagination token.".into())
}

/// The token of the page after `last`, listed under `filter`.
pub(super) fn encode(filter: Option<&UserFilter>, last: &User) -> String {
    let value = filter
        .filter(|f| f.orders_by_value())
        .and_then(|f| f.value_of(last));
    match value {
        Some(value) => {
            let pair = serde_json::json!([value, last.id.to_string()]);
            URL_SAFE_NO_PAD.encode(pair.to_string())
        }
        None => URL_SAFE_NO_PAD.encode(last.id.to_string()),
    }
}

/// The cursor `token` names, which must be one [`encode`] made under the same kind of `filter`:
/// a value-order token's value must still match the filter's prefix.
pub(super) fn decode(filter: Option<&UserFilter>, token: &str) -> Result<UserCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    match filter.filter(|f| f.orders_by_value()) {
        Some(filter) => {
            let (value, id): (String, String) =
                serde_json::from_slice(&bytes).map_err(|_| invalid())?;
            if !value.starts_with(&filter.value) {
                return Err(invalid());
            }
            let id = UserId::parse(&id).ok_or_else(invalid)?;
            Ok(UserCursor {
                value: Some(value),
                id,
            })
        }
        None => {
            let id = std::str::from_utf8(&bytes)
                .ok()
                .and_then(UserId::parse)
                .ok_or_else(invalid)?;
            Ok(UserCursor { value: None, id })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::filter::parse_filter;
    use crate::ids::PoolId;
    use crate::model::UserStatus;

    fn user(email: &str, name: Option<&str>) -> User {
        User {
            pool_id: PoolId::new("eu-west-1_test"),
            id: UserId::generate(),
            email: email.into(),
            email_verified: true,
            status: UserStatus::Confirmed,
            enabled: true,
            salt_hex: String::new(),
            sealed_verifier: Vec::new(),
            attributes: name
                .map(|n| [("name".to_owned(), n.to_owned())].into())
                .unwrap_or_default(),
            pending_email: None,
            password_expires_at: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn filter(text: &str) -> Option<UserFilter> {
        parse_filter(text).ok().flatten()
    }

    #[test]
    fn id_order_tokens_carry_the_id_only() {
        let last = user("a@example.com", Some("Ann"));
        for f in [
            None,
            filter("email = \"a@example.com\""),
            filter("name = \"Ann\""),
        ] {
            let token = encode(f.as_ref(), &last);
            let cursor = decode(f.as_ref(), &token).unwrap();
            assert_eq!(
                cursor,
                UserCursor {
                    value: None,
                    id: last.id
                }
            );
        }
    }

    #[test]
    fn value_order_tokens_carry_the_value_and_id() {
        let last = user("ann@example.com", Some("Ann \"the\" Smith"));
        for (f, value) in [
            (filter("email ^= \"an\""), "ann@example.com"),
            (filter("name ^= \"Ann\""), "Ann \"the\" Smith"),
        ] {
            let token = encode(f.as_ref(), &last);
            let cursor = decode(f.as_ref(), &token).unwrap();
            assert_eq!(
                cursor,
                UserCursor {
                    value: Some(value.into()),
                    id: last.id
                }
            );
        }
    }

    #[test]
    fn tokens_of_another_order_or_prefix_are_refused() {
        let last = user("ann@example.com", Some("Ann"));
        let id_token = encode(None, &last);
        let prefix = filter("email ^= \"an\"");
        let value_token = encode(prefix.as_ref(), &last);
        let refused = |f: Option<&UserFilter>, token: &str| matches!(decode(f, token), Err(Error::InvalidParameter(m)) if m == "Invalid pagination token.");
        assert!(refused(prefix.as_ref(), &id_token));
        assert!(refused(None, &value_token));
        // A token whose value is outside the filter's prefix would list outside the filter.
        assert!(refused(filter("email ^= \"bo\"").as_ref(), &value_token));
        for junk in ["", "!!", "bm90LWFuLWlk", "WyJhIl0"] {
            assert!(refused(None, junk), "{junk}");
            assert!(refused(prefix.as_ref(), junk), "{junk}");
        }
    }
}
