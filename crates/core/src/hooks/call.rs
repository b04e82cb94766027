//! Calling a hook: the request signed as webhooks are (Standard Webhooks, with the app's hook
//! secret), posted with the hook's timeout; a 2xx answer whose body is a JSON object is its
//! answer, anything else a failure that `on_failure` judges.

use super::settings::{HookConfig, OnFailure};
use crate::error::{Error, Result};
use crate::model::App;
use crate::service::Service;
use crate::webhooks::WebhookResponse;
use crate::webhooks::delivery::signed_request;
use auth_return_crypto::hash::hmac_sha256;
use auth_return_crypto::webhook;
use base64::Engine;
use serde_json::{Map, Value};
use std::time::Duration;

/// What a hook call came to.
pub(crate) enum HookAnswer {
    /// The hook's answer.
    Answered(Map<String, Value>),
    /// The call failed and the hook fails open: go on as if there were no hook.
    Skipped,
}

impl Service {
    /// The secret that signs an app's hook calls, `whsec_…`: derived from the master key, the
    /// pool and the app's secret version, so it is never stored and a rotation (a new version)
    /// ends the old one.
    pub(crate) fn hook_secret(&self, app: &App) -> String {
        let key = hook_key(self, app);
        format!(
            "{}{}",
            webhook::SECRET_PREFIX,
            base64::engine::general_purpose::STANDARD.encode(key)
        )
    }

    /// Calls `hook` (named `name` as Cognito names the trigger) of `app` with `request`.
    pub(crate) async fn call_hook(
        &self,
        app: &App,
        name: &'static str,
        hook: &HookConfig,
        request: Value,
    ) -> Result<HookAnswer> {
        match self.post_hook(app, hook, &request).await {
            Ok(answer) => Ok(HookAnswer::Answered(answer)),
            Err(reason) => {
                tracing::warn!(app_id = %app.id, hook = name, reason = %reason, on_failure = ?hook.on_failure, "hook call failed");
                match hook.on_failure {
                    OnFailure::Allow => Ok(HookAnswer::Skipped),
                    OnFailure::Deny => Err(Error::HookFailed { hook: name, reason }),
                }
            }
        }
    }

    async fn post_hook(
        &self,
        app: &App,
        hook: &HookConfig,
        request: &Value,
    ) -> std::result::Result<Map<String, Value>, String> {
        let http = self
            .http
            .as_ref()
            .ok_or_else(|| "this process cannot call hooks".to_owned())?;
        let body = serde_json::to_vec(request).map_err(|e| e.to_string())?;
        let request = signed_request(
            hook.url.clone(),
            &hook_key(self, app),
            format!("hook_{}", uuid::Uuid::new_v4().simple()),
            self.clock.now(),
            body,
            "auth-return-hooks/1",
            Duration::from_millis(hook.timeout_ms),
        );
        let answer = http.post(request).await;
        match answer {
            WebhookResponse::Answer { status, body } if (200..300).contains(&status) => {
                match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(answer)) => Ok(answer),
                    _ => Err("the answer is not a JSON object".to_owned()),
                }
            }
            WebhookResponse::Answer { status, .. } => Err(format!("HTTP {status}")),
            WebhookResponse::Failed(why) => Err(why),
        }
    }
}

/// The key bytes of an app's hook secret.
fn hook_key(service: &Service, app: &App) -> [u8; 32] {
    let label = format!("{}|{}", app.pool_id, app.settings.hooks.secret_version);
    hmac_sha256(service.keyring.hook_secrets.expose(), label.as_bytes())
}
