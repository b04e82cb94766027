//! The pre sign-up hook (Cognito's PreSignUp trigger): called before a new account is made;
//! it allows or denies the sign-up, with a message the user is shown, and may confirm the
//! account at once and mark its email verified.

use super::call::HookAnswer;
use crate::error::{Error, Result};
use crate::model::App;
use crate::service::Service;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The longest denial message passed on, in characters.
pub const MESSAGE_MAX_CHARS: usize = 256;

/// What the hook decided for an allowed sign-up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SignUpDecision {
    /// Confirm the account now (no code is mailed).
    pub auto_confirm: bool,
    /// Mark the email verified.
    pub auto_verify_email: bool,
}

impl Service {
    /// Asks the app's pre sign-up hook, if it has one, about a sign-up of `email` with
    /// `attributes` (and the request's client metadata and validation data): its decision, or
    /// `HookDenied` with its message.
    pub(crate) async fn pre_sign_up(
        &self,
        app: &App,
        email: &str,
        attributes: &BTreeMap<String, String>,
        context: &crate::auth::SignUpContext,
    ) -> Result<SignUpDecision> {
        let Some(hook) = &app.settings.hooks.pre_sign_up else {
            return Ok(SignUpDecision::default());
        };
        let request = json!({
            "type": "pre_sign_up",
            "app_id": app.id.as_str(),
            "user_pool_id": app.pool_id.as_str(),
            "client_id": app.client.id.as_str(),
            "user": { "email": email, "attributes": attributes },
            "client_metadata": context.client_metadata,
            "validation_data": context.validation_data,
            "provider": context.provider,
        });
        let answer = match self.call_hook(app, "PreSignUp", hook, request).await? {
            HookAnswer::Answered(answer) => answer,
            HookAnswer::Skipped => return Ok(SignUpDecision::default()),
        };
        let flag = |name: &str| answer.get(name).and_then(Value::as_bool);
        match flag("allow") {
            Some(true) => Ok(SignUpDecision {
                auto_confirm: flag("auto_confirm").unwrap_or(false),
                auto_verify_email: flag("auto_verify_email").unwrap_or(false),
            }),
            Some(false) => Err(Error::HookDenied {
                hook: "PreSignUp",
                message: message(answer.get("message")),
            }),
            None => {
                let failed = Error::HookFailed {
                    hook: "PreSignUp",
                    reason: "the answer has no allow (true or false)".into(),
                };
                match hook.on_failure {
                    super::OnFailure::Allow => Ok(SignUpDecision::default()),
                    super::OnFailure::Deny => Err(failed),
                }
            }
        }
    }
}

/// The hook's message as the user may see it: text, no control characters, capped.
fn message(given: Option<&Value>) -> String {
    let text: String = given
        .and_then(Value::as_str)
        .unwrap_or("the sign-up was refused")
        .chars()
        .filter(|c| !c.is_control())
        .take(MESSAGE_MAX_CHARS)
        .collect();
    if text.trim().is_empty() {
        "the sign-up was refused".to_owned()
    } else {
        text
    }
}
