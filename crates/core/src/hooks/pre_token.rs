//! The pre token generation hook (Cognito's PreTokenGeneration trigger): called before an ID
//! and access token are signed, at sign-in and at refresh; it adds, changes or removes claims
//! of either token, within limits — the claims that say whose token it is, for whom, and until
//! when are never its to touch.

use super::call::HookAnswer;
use crate::error::{Error, Result};
use crate::model::{App, Group, User};
use crate::service::Service;
use serde_json::{Map, Value, json};

/// Claims a hook may neither add, change nor remove.
pub const PROTECTED_CLAIMS: [&str; 18] = [
    "sub",
    "iss",
    "aud",
    "token_use",
    "exp",
    "iat",
    "nbf",
    "auth_time",
    "jti",
    "origin_jti",
    "event_id",
    "client_id",
    "username",
    "cognito:username",
    "scope",
    "nonce",
    "at_hash",
    "email_verified",
];
/// Claims a hook may add or change per token, at most.
pub const MAX_CLAIMS_ADDED: usize = 50;
/// The most bytes a token's added claims may take, as JSON.
pub const MAX_ADDED_BYTES: usize = 8 * 1024;

impl Service {
    /// Lets the app's pre token generation hook, if it has one, change the claims about to be
    /// signed.
    pub(crate) async fn pre_token_generation(
        &self,
        app: &App,
        user: &User,
        source: crate::auth::TokenSource,
        groups: &[Group],
        id_claims: &mut Value,
        access_claims: &mut Value,
    ) -> Result<()> {
        let Some(hook) = &app.settings.hooks.pre_token_generation else {
            return Ok(());
        };
        let request = json!({
            "type": "pre_token_generation",
            "source": source.as_str(),
            "app_id": app.id.as_str(),
            "user_pool_id": app.pool_id.as_str(),
            "client_id": app.client.id.as_str(),
            "user": {
                "sub": user.id.to_string(),
                "email": user.email,
                "attributes": user.attributes,
                "groups": groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
            },
            "id_token": id_claims,
            "access_token": access_claims,
        });
        let answer = match self
            .call_hook(app, "PreTokenGeneration", hook, request)
            .await?
        {
            HookAnswer::Answered(answer) => answer,
            HookAnswer::Skipped => return Ok(()),
        };
        let changes = [
            ("id_token", answer.get("id_token")),
            ("access_token", answer.get("access_token")),
        ]
        .map(|(name, change)| change.map(|c| changes_of(name, c)).transpose());
        let [id_change, access_change] = match changes {
            [Ok(id), Ok(access)] => [id, access],
            [Err(reason), _] | [_, Err(reason)] => {
                return match hook.on_failure {
                    super::OnFailure::Allow => Ok(()),
                    super::OnFailure::Deny => Err(Error::HookFailed {
                        hook: "PreTokenGeneration",
                        reason,
                    }),
                };
            }
        };
        for (claims, change) in [(id_claims, id_change), (access_claims, access_change)] {
            if let (Some(claims), Some(change)) = (claims.as_object_mut(), change) {
                change.apply(claims);
            }
        }
        Ok(())
    }
}

/// What a hook asked of one token.
struct ClaimChanges {
    add: Map<String, Value>,
    suppress: Vec<String>,
}

impl ClaimChanges {
    fn apply(self, claims: &mut Map<String, Value>) {
        for name in self.suppress {
            claims.remove(&name);
        }
        claims.extend(self.add);
    }
}

/// The changes `{"add": {...}, "suppress": [...]}` asks of token `name`, or why they are
/// refused.
fn changes_of(name: &str, change: &Value) -> std::result::Result<ClaimChanges, String> {
    let Some(change) = change.as_object() else {
        return Err(format!("{name} must be an object"));
    };
    if let Some(other) = change.keys().find(|k| *k != "add" && *k != "suppress") {
        return Err(format!("{name}.{other} is not add or suppress"));
    }
    let add = match change.get("add") {
        None => Map::new(),
        Some(Value::Object(add)) => add.clone(),
        Some(_) => return Err(format!("{name}.add must be an object")),
    };
    let suppress = match change.get("suppress") {
        None => Vec::new(),
        Some(Value::Array(names)) => names
            .iter()
            .map(|n| n.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("{name}.suppress must be a list of claim names"))?,
        Some(_) => return Err(format!("{name}.suppress must be a list of claim names")),
    };
    if let Some(protected) = add
        .keys()
        .chain(suppress.iter())
        .find(|claim| PROTECTED_CLAIMS.contains(&claim.as_str()))
    {
        return Err(format!("{name} may not change the claim {protected}"));
    }
    if add.len() > MAX_CLAIMS_ADDED {
        return Err(format!(
            "{name}.add has more than {MAX_CLAIMS_ADDED} claims"
        ));
    }
    let size = serde_json::to_vec(&add).map_or(usize::MAX, |json| json.len());
    if size > MAX_ADDED_BYTES {
        return Err(format!("{name}.add is larger than {MAX_ADDED_BYTES} bytes"));
    }
    Ok(ClaimChanges { add, suppress })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn changes_are_read_and_protected_claims_refused() {
        let change = changes_of(
            "id_token",
            &json!({"add": {"tier": "gold"}, "suppress": ["email"]}),
        )
        .unwrap();
        let mut claims = json!({"sub": "s", "email": "a@example.com"})
            .as_object()
            .unwrap()
            .clone();
        change.apply(&mut claims);
        assert_eq!(Value::Object(claims), json!({"sub": "s", "tier": "gold"}));
        for (bad, why) in [
            (json!({"add": {"sub": "x"}}), "may not change the claim sub"),
            (json!({"suppress": ["exp"]}), "may not change the claim exp"),
            (json!({"add": []}), "add must be an object"),
            (json!({"suppress": [1]}), "suppress must be a list"),
            (json!({"replace": {}}), "is not add or suppress"),
            (json!("gold"), "must be an object"),
            (
                json!({"add": {"big": "x".repeat(MAX_ADDED_BYTES)}}),
                "larger than",
            ),
        ] {
            let message = changes_of("id_token", &bad).err().unwrap();
            assert!(message.contains(why), "{bad}: {message}");
        }
        let many: Map<String, Value> = (0..=MAX_CLAIMS_ADDED)
            .map(|i| (format!("c{i}"), json!(i)))
            .collect();
        assert!(changes_of("access_token", &json!({ "add": many })).is_err());
    }
}
