//! Brute-force protection per sign-in name, as Cognito does it: after 5 failed sign-ins the
//! name is locked for 1 s, doubling with each further failure up to 15 minutes; while locked,
//! every attempt — even with the right password — is refused. A streak is forgotten after a
//! success or a quiet hour. Names that are no user are counted the same way (keyed by their
//! decoy id), so a lockout never tells which accounts exist. Wrong confirmation codes follow the
//! same schedule, per user and purpose.

use crate::error::{Error, Result};
use crate::ids::PoolId;
use crate::model::{CodePurpose, LockoutRecord, Timestamp};
use crate::service::Service;

/// Failures allowed before the first lock.
const FREE_FAILURES: i64 = 5;
/// The longest lock.
const MAX_LOCK_SECS: i64 = 15 * 60;
/// Quiet time after which a streak starts over (longer than the longest lock, or waiting out
/// a lock would reset the streak).
const STREAK_RESET_SECS: i64 = 60 * 60;

/// The lock after the `failures`-th failure in a streak (0 before the 5th).
fn lock_secs(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = u32::try_from(failures - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(20);
    (1i64 << doublings).min(MAX_LOCK_SECS)
}

/// The lockout key of a user (or of a decoy id for a name that is no user).
pub(crate) fn subject(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// The lockout key of wrong confirmation codes of one purpose for a user.
pub(crate) fn code_subject(purpose: CodePurpose, user_id: &str) -> String {
    format!("code:{}:{user_id}", purpose.as_str())
}

/// How often a reservation is tried again when other attempts on the same name changed the
/// streak between its read and its write. Each round lets at least one attempt through and the
/// fifth locks the name, so a burst settles within a few rounds.
const RESERVE_TRIES: usize = 64;

/// An attempt reserved against a name's failure streak: counted as a failure, with the lock
/// that count brings, before it is judged, so that a burst of parallel guesses on any number
/// of instances gets no more judged than the schedule allows. A success forgets the streak.
pub(crate) struct Streak {
    pool_id: PoolId,
    subject: String,
    failures: i64,
}

impl Streak {
    /// Failures in the streak, this attempt included.
    pub(crate) fn failures(&self) -> i64 {
        self.failures
    }
}

/// A lock a failure set: how many failures the streak holds and for how long the name is
/// refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lock {
    pub(crate) failures: i64,
    pub(crate) secs: i64,
}

impl Service {
    /// Reserves an attempt on `subject`'s streak, or refuses it while the name is locked.
    pub(crate) async fn reserve_attempt(
        &self,
        pool_id: &PoolId,
        subject: String,
    ) -> Result<Streak> {
        for round in 0..RESERVE_TRIES {
            // Most names have no streak: the first round tries to start one without reading
            // (the insert does nothing where a streak exists, and the next round reads it).
            let current = match round {
                0 => None,
                _ => self.store.get_lockout(pool_id, &subject).await?,
            };
            let now_ms = self.clock.now_millis();
            if current.as_ref().is_some_and(|r| r.locked_until_ms > now_ms) {
                return Err(Error::PasswordAttemptsExceeded);
            }
            let now: Timestamp = self.clock.now();
            let failures = match &current {
                Some(r) if now - r.last_failure_at < STREAK_RESET_SECS => r.failures + 1,
                _ => 1,
            };
            let next = LockoutRecord {
                failures,
                last_failure_at: now,
                locked_until_ms: now_ms.saturating_add(lock_secs(failures) * 1000),
            };
            if self
                .store
                .swap_lockout(pool_id, &subject, current.as_ref(), &next)
                .await?
            {
                return Ok(Streak {
                    pool_id: pool_id.clone(),
                    subject,
                    failures,
                });
            }
        }
        // So many attempts on one name at once that this one never got its turn: it is part
        // of a flood, and is refused like a locked one.
        Err(Error::PasswordAttemptsExceeded)
    }

    /// The reserved attempt failed: it was counted already; a lock is logged. Returns the
    /// lock this failure set, if it set one.
    pub(crate) fn record_failure(&self, streak: Streak) -> Option<Lock> {
        if streak.failures < FREE_FAILURES {
            return None;
        }
        // The subject's kind only ("user" or "code:<purpose>"): ids stay out of the logs.
        let kind = streak.subject.rsplit_once(':').map_or("", |(kind, _)| kind);
        let lock = Lock {
            failures: streak.failures,
            secs: lock_secs(streak.failures),
        };
        tracing::warn!(pool_id = %streak.pool_id, kind, failures = lock.failures, locked_secs = lock.secs, "locked after repeated failures");
        Some(lock)
    }

    /// The reserved attempt succeeded: the streak is forgotten.
    pub(crate) async fn clear_failures(&self, streak: Streak) -> Result<()> {
        self.store
            .clear_lockout(&streak.pool_id, &streak.subject)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::lock_secs;

    #[test]
    fn the_lock_doubles_from_the_fifth_failure_up_to_fifteen_minutes() {
        let schedule: Vec<i64> = (1..=16).map(lock_secs).collect();
        assert_eq!(
            schedule,
            [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
        );
        assert_eq!(lock_secs(10_000), 900);
    }
}
