//! CreateUserPool and UpdateUserPool (docs/cognito-protocol.md §5.4): a pool's password policy
//! and MFA mode, set as Cognito sets them (UpdateUserPool puts back the default of what it is
//! not given), and CreateUserPool's `Schema` (§5.7). Every other member is taken only where it
//! says what this service does anyway, and otherwise refused by name, never silently ignored.

use super::credentials::{Access, Credentials};
use super::members::{self, Rule, empty_list, empty_object};
use super::pools::user_pool_answer;
use super::{Answer, empty};
use crate::error::CognitoError;
use auth_return_core::admin::PoolSettings;
use auth_return_core::events::Caller;
use auth_return_core::settings::PolicyPatch;
use auth_return_core::{PoolId, Service};
use serde_json::{Map, Value, json};

/// Members with the values that are ours; `null` is taken everywhere (the member unsaid).
const RULES: &[Rule] = &[
    Rule {
        member: "UsernameAttributes",
        accepts: |v| *v == json!(["email"]),
        why: "users sign in with their email here: [\"email\"] only",
    },
    Rule {
        member: "AutoVerifiedAttributes",
        accepts: |v| empty_list(v) || *v == json!(["email"]),
        why: "the email is verified by a mailed code: [\"email\"] only",
    },
    Rule {
        member: "DeletionProtection",
        accepts: |v| *v == json!("INACTIVE"),
        why: "deletion protection is not offered: INACTIVE only",
    },
    Rule {
        member: "LambdaConfig",
        accepts: empty_object,
        why: "Lambda triggers are not supported",
    },
    // CreateUserPool reads its `Schema` (`READ_AT_CREATION`); UpdateUserPool has none in
    // Cognito's API, so only an empty one is taken there.
    Rule {
        member: "Schema",
        accepts: empty_list,
        why: "a pool's schema is set by CreateUserPool and grows by AddCustomAttributes",
    },
    Rule {
        member: "UserPoolTags",
        accepts: empty_object,
        why: "tags are not kept",
    },
    Rule {
        member: "EmailConfiguration",
        accepts: |v| empty_object(v) || *v == json!({"EmailSendingAccount": "COGNITO_DEFAULT"}),
        why: "mail goes through this server's SMTP settings: {\"EmailSendingAccount\": \"COGNITO_DEFAULT\"} only",
    },
    Rule {
        member: "VerificationMessageTemplate",
        accepts: |v| empty_object(v) || *v == json!({"DefaultEmailOption": "CONFIRM_WITH_CODE"}),
        why: "confirmation is by code, worded by the app's mail templates (PATCH /api/apps/{id}): {\"DefaultEmailOption\": \"CONFIRM_WITH_CODE\"} only",
    },
    Rule {
        member: "AdminCreateUserConfig",
        accepts: |v| empty_object(v) || *v == json!({"AllowAdminCreateUserOnly": false}),
        why: "sign-up is open to anyone (the console app's developer sign-up is the operator's setting): {\"AllowAdminCreateUserOnly\": false} only",
    },
    Rule {
        member: "AccountRecoverySetting",
        accepts: |v| {
            empty_object(v)
                || *v == json!({"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]})
        },
        why: "passwords are recovered by the verified email only",
    },
    Rule {
        member: "UsernameConfiguration",
        accepts: |v| empty_object(v) || *v == json!({"CaseSensitive": false}),
        why: "emails are compared without case: {\"CaseSensitive\": false} only",
    },
    Rule {
        member: "UserPoolAddOns",
        accepts: |v| empty_object(v) || *v == json!({"AdvancedSecurityMode": "OFF"}),
        why: "advanced security (risk scoring) is not offered: OFF only",
    },
    Rule {
        member: "UserAttributeUpdateSettings",
        accepts: |v| {
            empty_object(v) || *v == json!({"AttributesRequireVerificationBeforeUpdate": ["email"]})
        },
        why: "a new email stays pending until verified: [\"email\"] only",
    },
];

/// Members read into the settings, or naming the pool.
const READ: &[&str] = &["PoolName", "UserPoolId", "Policies", "MfaConfiguration"];

/// Members CreateUserPool reads besides [`READ`].
const READ_AT_CREATION: &[&str] = &["Schema"];

/// The settings `body` gives: `Policies.PasswordPolicy` and `MfaConfiguration`.
fn settings(body: &Map<String, Value>) -> Result<PoolSettings, CognitoError> {
    let policies = body.get("Policies").filter(|v| !v.is_null());
    if let Some(policies) = policies {
        let other = policies
            .as_object()
            .into_iter()
            .flatten()
            .find(|(name, value)| *name != "PasswordPolicy" && !value.is_null());
        if let Some((name, _)) = other {
            return Err(CognitoError::invalid(format!(
                "Policies.{} is not supported here.",
                super::truncate(name)
            )));
        }
    }
    let policy = policies
        .and_then(|p| p.get("PasswordPolicy"))
        .filter(|v| !v.is_null());
    let mut patch = PolicyPatch::default();
    if let Some(policy) = policy {
        let policy = policy
            .as_object()
            .ok_or_else(|| CognitoError::invalid("Policies.PasswordPolicy must be an object."))?;
        for (name, value) in policy {
            let flag = || {
                value.as_bool().ok_or_else(|| {
                    CognitoError::invalid(format!("PasswordPolicy.{name} must be a boolean."))
                })
            };
            match name.as_str() {
                "MinimumLength" => {
                    let length = value
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .ok_or_else(|| {
                            CognitoError::invalid("PasswordPolicy.MinimumLength must be a number.")
                        })?;
                    patch.min_length = Some(length);
                }
                "RequireUppercase" => patch.require_uppercase = Some(flag()?),
                "RequireLowercase" => patch.require_lowercase = Some(flag()?),
                "RequireNumbers" => patch.require_numbers = Some(flag()?),
                "RequireSymbols" => patch.require_symbols = Some(flag()?),
                // The server's setting; the value Cognito's default (7) is taken.
                "TemporaryPasswordValidityDays" => {}
                other => {
                    return Err(CognitoError::invalid(format!(
                        "PasswordPolicy.{} is not supported here.",
                        super::truncate(other)
                    )));
                }
            }
        }
    }
    let mfa_mode = match body.get("MfaConfiguration") {
        None | Some(Value::Null) => None,
        Some(Value::String(mode)) => Some(mode.clone()),
        Some(_) => return Err(CognitoError::invalid("MfaConfiguration must be a string.")),
    };
    Ok(PoolSettings {
        password_policy: patch,
        mfa_mode,
        schema: Vec::new(),
    })
}

/// CreateUserPool's body: the pool's name and settings, its `Schema` included.
pub fn read_create(body: &[u8]) -> Result<(String, PoolSettings), CognitoError> {
    let body = members::object(body)?;
    let name = body
        .get("PoolName")
        .and_then(Value::as_str)
        .ok_or_else(|| CognitoError::invalid(super::validation::null("poolName")))?;
    members::check(&body, &[READ, READ_AT_CREATION].concat(), RULES)?;
    let mut settings = settings(&body)?;
    if let Some(schema) = body.get("Schema").filter(|v| !v.is_null()) {
        settings.schema = super::schema::entries(schema, "Schema")?;
    }
    Ok((name.to_owned(), settings))
}

/// UpdateUserPool's body: the pool and its new settings.
pub fn read_update(body: &[u8]) -> Result<(PoolId, PoolSettings), CognitoError> {
    let body = members::object(body)?;
    let pool_id: PoolId = body
        .get("UserPoolId")
        .and_then(Value::as_str)
        .ok_or_else(|| CognitoError::invalid(super::validation::null("userPoolId")))?
        .parse()?;
    members::check(&body, READ, RULES)?;
    Ok((pool_id, settings(&body)?))
}

pub async fn create_user_pool(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    body: &[u8],
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (name, settings) = read_create(body)?;
    let actor = authority.permit_new_pool()?;
    let summary = service.create_pool(actor, &name, &settings, caller).await?;
    user_pool_answer(service, summary)
}

pub async fn update_user_pool(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    body: &[u8],
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, settings) = read_update(body)?;
    let actor = authority.permit(service, &pool_id, Access::Write).await?;
    service
        .update_pool(actor, &pool_id, &settings, caller)
        .await?;
    empty()
}
