//! Per-client rate limits (GCRA token buckets from `governor`) on the operations an attacker
//! would hammer: sign-in, sign-up, code sending, refresh and API-key verification. They count
//! requests per client address before any lookup, so probing unknown users costs the same.

mod clock;
mod store;

pub use clock::LimiterClock;

use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::{Quota, RateLimiter};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;
use store::BoundedStateStore;

/// What a request counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// Password and code guesses: InitiateAuth (password flows), ConfirmSignUp,
    /// ConfirmForgotPassword.
    SignIn,
    /// SignUp.
    SignUp,
    /// Operations that send a code: ResendConfirmationCode, ForgotPassword,
    /// GetUserAttributeVerificationCode.
    CodeDelivery,
    /// Refresh-token sign-ins: InitiateAuth REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken.
    Refresh,
    /// `POST /api/keys/verify`.
    KeyVerify,
}

impl Bucket {
    /// The bucket's name in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignUp => "sign_up",
            Self::CodeDelivery => "code_delivery",
            Self::Refresh => "refresh",
            Self::KeyVerify => "key_verify",
        }
    }
}

/// The label of a refusal's bucket.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BucketLabel {
    bucket: &'static str,
}

/// Requests per minute per client address for each bucket (0 = unlimited). Each bucket also
/// allows a burst of its whole minute's worth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// [`Bucket::SignIn`], default 60.
    pub sign_in: u32,
    /// [`Bucket::SignUp`], default 20.
    pub sign_up: u32,
    /// [`Bucket::CodeDelivery`], default 10.
    pub code_delivery: u32,
    /// [`Bucket::Refresh`], default 120.
    pub refresh: u32,
    /// [`Bucket::KeyVerify`], default 100.
    pub key_verify: u32,
    /// Clients remembered per bucket; the least recently seen are forgotten beyond it.
    pub max_clients: usize,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            sign_in: 60,
            sign_up: 20,
            code_delivery: 10,
            refresh: 120,
            key_verify: 100,
            max_clients: 100_000,
        }
    }
}

impl RateLimitSettings {
    /// The same limit for every bucket (load tests use a high one).
    pub fn uniform(per_minute: u32) -> Self {
        Self {
            sign_in: per_minute,
            sign_up: per_minute,
            code_delivery: per_minute,
            refresh: per_minute,
            key_verify: per_minute,
            ..Self::default()
        }
    }

    fn per_minute(&self, bucket: Bucket) -> u32 {
        match bucket {
            Bucket::SignIn => self.sign_in,
            Bucket::SignUp => self.sign_up,
            Bucket::CodeDelivery => self.code_delivery,
            Bucket::Refresh => self.refresh,
            Bucket::KeyVerify => self.key_verify,
        }
    }
}

/// A request over its bucket's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    /// Whole seconds until the request would be allowed (at least 1), for `Retry-After`.
    pub retry_after_secs: u64,
}

type Limiter = RateLimiter<IpAddr, BoundedStateStore, LimiterClock, NoOpMiddleware<Nanos>>;

/// Every bucket's limiter.
#[derive(Debug)]
pub struct RateLimits {
    clock: LimiterClock,
    sign_in: Option<Limiter>,
    sign_up: Option<Limiter>,
    code_delivery: Option<Limiter>,
    refresh: Option<Limiter>,
    key_verify: Option<Limiter>,
    refused: Family<BucketLabel, Counter>,
}

impl RateLimits {
    /// Limiters for `settings`, reading `clock`.
    pub fn new(settings: &RateLimitSettings, clock: LimiterClock) -> Self {
        let limiter = |bucket| {
            let per_minute = NonZeroU32::new(settings.per_minute(bucket))?;
            Some(RateLimiter::new(
                Quota::per_minute(per_minute),
                BoundedStateStore::new(settings.max_clients),
                clock.clone(),
            ))
        };
        Self {
            sign_in: limiter(Bucket::SignIn),
            sign_up: limiter(Bucket::SignUp),
            code_delivery: limiter(Bucket::CodeDelivery),
            refresh: limiter(Bucket::Refresh),
            key_verify: limiter(Bucket::KeyVerify),
            clock,
            refused: Family::default(),
        }
    }

    /// Takes one request of `client` from `bucket`.
    pub fn check(&self, bucket: Bucket, client: IpAddr) -> Result<(), Throttled> {
        let limiter = match bucket {
            Bucket::SignIn => &self.sign_in,
            Bucket::SignUp => &self.sign_up,
            Bucket::CodeDelivery => &self.code_delivery,
            Bucket::Refresh => &self.refresh,
            Bucket::KeyVerify => &self.key_verify,
        };
        let Some(limiter) = limiter else {
            return Ok(());
        };
        limiter.check_key(&client).map_err(|not_until| {
            let bucket = bucket.as_str();
            self.refused.get_or_create(&BucketLabel { bucket }).inc();
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&self.clock));
            Throttled {
                retry_after_secs: whole_seconds(wait),
            }
        })
    }
}

impl RateLimits {
    /// Registers the refusals so far, by bucket.
    pub fn register_metrics(&self, registry: &mut Registry) {
        registry.register(
            "auth_return_rate_limited",
            "Requests refused because their client address was over its bucket's limit",
            self.refused.clone(),
        );
    }
}

/// Rounds up, and never says 0 (a client told "retry after 0" retries at once).
fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use governor::state::StateStore;

    fn client(n: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, n])
    }

    #[test]
    fn a_bucket_allows_its_burst_then_one_request_per_interval() {
        let clock = LimiterClock::manual();
        let settings = RateLimitSettings {
            sign_in: 6,
            ..RateLimitSettings::default()
        };
        let limits = RateLimits::new(&settings, clock.clone());
        for _ in 0..6 {
            limits.check(Bucket::SignIn, client(1)).unwrap();
        }
        // 6 per minute: one every 10 s.
        assert_eq!(
            limits.check(Bucket::SignIn, client(1)),
            Err(Throttled {
                retry_after_secs: 10
            })
        );
        clock.advance(Duration::from_millis(9_500));
        assert_eq!(
            limits.check(Bucket::SignIn, client(1)),
            Err(Throttled {
                retry_after_secs: 1
            })
        );
        clock.advance(Duration::from_millis(500));
        limits.check(Bucket::SignIn, client(1)).unwrap();
        assert!(limits.check(Bucket::SignIn, client(1)).is_err());
    }

    #[test]
    fn clients_and_buckets_are_counted_apart() {
        let settings = RateLimitSettings::uniform(1);
        let limits = RateLimits::new(&settings, LimiterClock::manual());
        limits.check(Bucket::SignIn, client(1)).unwrap();
        assert!(limits.check(Bucket::SignIn, client(1)).is_err());
        limits.check(Bucket::SignIn, client(2)).unwrap();
        limits.check(Bucket::SignUp, client(1)).unwrap();
        limits.check(Bucket::Refresh, client(1)).unwrap();
        limits.check(Bucket::CodeDelivery, client(1)).unwrap();
        limits.check(Bucket::KeyVerify, client(1)).unwrap();
    }

    #[test]
    fn zero_means_unlimited() {
        let settings = RateLimitSettings::uniform(0);
        let limits = RateLimits::new(&settings, LimiterClock::manual());
        for _ in 0..1000 {
            limits.check(Bucket::KeyVerify, client(1)).unwrap();
        }
    }

    #[test]
    fn memory_is_bounded_and_the_least_recent_clients_are_forgotten() {
        let store = BoundedStateStore::new(64);
        let touch = |ip: IpAddr| {
            store
                .measure_and_replace(&ip, |previous| Ok::<_, ()>((previous, Nanos::from(1u64))))
                .unwrap()
        };
        for a in 0..=255u8 {
            for b in 0..40u8 {
                touch(IpAddr::from([10, 0, b, a]));
            }
        }
        assert!(store.len() <= 64, "tracked {}", store.len());
        // A client seen a moment ago is still known; one from long ago starts afresh.
        assert!(touch(IpAddr::from([10, 0, 39, 255])).is_some());
        assert!(touch(IpAddr::from([10, 0, 0, 0])).is_none());
    }

    #[test]
    fn retry_after_rounds_up_and_is_never_zero() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1001)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(10)), 10);
    }
}
