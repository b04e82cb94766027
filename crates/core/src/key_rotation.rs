//! Signing-key rotation per pool: the next key is published in the JWKS before it signs
//! anything, the old one stays published until every token it signed has expired, then it
//! goes. An emergency rotation (a leaked key) switches at once and withdraws the old keys,
//! which voids every token they signed.

use crate::apps::Actor;
use crate::error::Result;
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::AppId;
use crate::model::{KeyDates, SigningKeyRecord, Timestamp};
use crate::service::Service;
use crate::settings::bounds;
use crate::tokens::KeyCache;
use crate::tokens::keys::{ordered_keys, signing_order};
use serde::Serialize;

/// Slack after the last token of a withdrawn key expired: verifiers allow some clock skew.
const WITHDRAW_MARGIN_SECS: i64 = 300;

/// A key as operators see it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyInfo {
    /// The JWK `kid`.
    pub kid: String,
    /// When it was published, epoch seconds.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub created_at: Timestamp,
    /// When it starts (or started) signing, epoch seconds.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub activates_at: Timestamp,
    /// `next` (published, not signing yet), `active` (signing) or `retiring` (published for
    /// tokens it signed).
    pub state: &'static str,
}

/// The state of each key at `now`, newest first.
fn states(keys: &[SigningKeyRecord], now: Timestamp) -> Vec<KeyInfo> {
    let active = keys.iter().position(|k| k.activates_at <= now);
    keys.iter()
        .enumerate()
        .map(|(i, k)| KeyInfo {
            kid: k.kid.clone(),
            created_at: k.created_at,
            activates_at: k.activates_at,
            state: match active {
                Some(a) if i < a => "next",
                Some(a) if i == a => "active",
                Some(_) => "retiring",
                None => "next",
            },
        })
        .collect()
}

impl Service {
    /// The pool's keys and their states.
    pub async fn signing_keys(&self, actor: Actor, app_id: &AppId) -> Result<Vec<KeyInfo>> {
        let app = self.get_app(actor, app_id).await?;
        crate::service::builtin_only(
            &app,
            "its signing keys are Cognito's, published at the pool's JWKS URL",
        )?;
        let keys = ordered_keys(self.store.as_ref(), &app.pool_id).await?;
        Ok(states(&keys, self.clock.now()))
    }

    /// Publishes a new key. It signs after the propagation delay, or at once in an
    /// `emergency`, when every older key is withdrawn too.
    pub async fn rotate_signing_key(
        &self,
        actor: Actor,
        app_id: &AppId,
        emergency: bool,
        caller: &Caller,
    ) -> Result<Vec<KeyInfo>> {
        let app = self.get_app(actor, app_id).await?;
        crate::service::builtin_only(
            &app,
            "Cognito signs its tokens with its own keys and does not rotate them on request",
        )?;
        let now = self.clock.now();
        let activates_at = if emergency {
            now
        } else {
            now + self.config.key_propagation_secs
        };
        let record = KeyCache::new_key_record(
            &self.keyring,
            &self.compute,
            &app.pool_id,
            now,
            activates_at,
        )
        .await?;
        self.store.insert_signing_key(&record).await?;
        if emergency {
            for old in ordered_keys(self.store.as_ref(), &app.pool_id).await? {
                if old.kid != record.kid {
                    self.store
                        .delete_signing_key(&app.pool_id, &old.kid)
                        .await?;
                }
            }
        }
        self.keys.forget(&app.pool_id);
        tracing::info!(app_id = %app.id, kid = %record.kid, activates_at, emergency, "signing key rotated");
        let mut event = NewEvent::new(app.pool_id.clone(), now, EventKind::SigningKeyRotated)
            .with("kid", &record.kid)
            .with("activates_at", &activates_at.to_string())
            .by(caller);
        event
            .detail
            .insert("emergency".to_owned(), emergency.into());
        event.actor = Some(actor.audit_name());
        self.events.record(event);
        self.signing_keys(actor, app_id).await
    }

    /// Housekeeping: withdraws keys whose tokens have all expired, and rotates keys older than
    /// `max_age_secs` (when given). Returns (withdrawn, rotated). Judged from one read of every
    /// pool's key dates; only the pools with something to do are written to.
    pub async fn maintain_signing_keys(&self, max_age_secs: Option<i64>) -> Result<(usize, usize)> {
        let now = self.clock.now();
        let (mut withdrawn, mut rotated) = (0, 0);
        let dates = self.store.all_key_dates().await?;
        for pool_keys in dates.chunk_by(|a, b| a.pool_id == b.pool_id) {
            withdrawn += self.withdraw_expired_keys(pool_keys, now).await?;
            let newest = pool_keys.iter().map(|k| k.created_at).max();
            if let (Some(max_age), Some(newest)) = (max_age_secs, newest)
                && now - newest >= max_age
            {
                let app_id = &pool_keys[0].app_id;
                self.rotate_signing_key(Actor::Operator, app_id, false, &Caller::unknown())
                    .await?;
                rotated += 1;
            }
        }
        Ok((withdrawn, rotated))
    }

    /// Deletes the keys of one pool (`keys`, its dates, in any order) superseded long enough
    /// ago that no token they signed can still be valid. The longest token lifetime any
    /// setting allows is used: the app's lifetime may have been longer when those tokens were
    /// signed.
    async fn withdraw_expired_keys(&self, keys: &[KeyDates], now: Timestamp) -> Result<usize> {
        let mut keys: Vec<&KeyDates> = keys.iter().collect();
        keys.sort_by_key(|k| signing_order(k.activates_at, k.created_at));
        let Some(active) = keys.iter().position(|k| k.activates_at <= now) else {
            return Ok(0);
        };
        let mut withdrawn = 0;
        // Each older key stopped signing when the next newer one started.
        for pair in keys[active..].windows(2) {
            let (newer, old) = (pair[0], pair[1]);
            let expired = now >= newer.activates_at + bounds::TOKEN_MAX_SECS + WITHDRAW_MARGIN_SECS;
            if expired
                && self
                    .store
                    .delete_signing_key(&old.pool_id, &old.kid)
                    .await?
            {
                withdrawn += 1;
                tracing::info!(app_id = %old.app_id, kid = %old.kid, "signing key withdrawn");
            }
        }
        if withdrawn > 0 {
            self.keys.forget(&keys[0].pool_id);
        }
        Ok(withdrawn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PoolId;

    fn key(kid: &str, created_at: Timestamp, activates_at: Timestamp) -> SigningKeyRecord {
        SigningKeyRecord {
            kid: kid.into(),
            pool_id: PoolId::new("local_x"),
            sealed_private_key: vec![],
            created_at,
            activates_at,
        }
    }

    #[test]
    fn key_states_follow_activation() {
        let keys = [key("c", 300, 400), key("b", 200, 200), key("a", 100, 100)];
        let names = |now| {
            states(&keys, now)
                .into_iter()
                .map(|k| k.state)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(250), ["next", "active", "retiring"]);
        assert_eq!(names(400), ["active", "retiring", "retiring"]);
        assert_eq!(names(50), ["next", "next", "next"]);
    }
}
