//! The domain's metrics for Prometheus: sign-ins by result, audit events by kind, mail, the
//! crypto pool, the key cache and the store's connections. Each [`crate::Service`] keeps its
//! own (no global recorder: several services in one process never mix their numbers); whoever
//! serves them asks [`crate::Service::register_metrics`] for them at scrape time.

use crate::Service;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// The label of a sign-in's result: `success`, or the reason of its failure (a fixed set of
/// codes, the `reason` of `sign_in_failed` events).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SignInResult {
    /// `success`, `wrong_password`, `unknown_user`, `locked`, ….
    pub result: &'static str,
}

/// The label of an audit event's kind (its stable code).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EventKindLabel {
    /// `sign_up`, `sign_in`, `locked_out`, ….
    pub kind: &'static str,
}

/// The label of a mail delivery's outcome.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MailOutcome {
    /// `sent` or `failed`.
    pub outcome: &'static str,
}

/// The label of a state of the store's connections.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionState {
    state: &'static str,
}

/// Counters the domain moves as things happen. Cheap to clone (the families are shared).
#[derive(Clone, Debug, Default)]
pub struct DomainMetrics {
    sign_ins: Family<SignInResult, Counter>,
    mail: Family<MailOutcome, Counter>,
}

impl DomainMetrics {
    /// Counts a sign-in attempt that ended with `result`.
    pub(crate) fn sign_in(&self, result: &'static str) {
        self.sign_ins.get_or_create(&SignInResult { result }).inc();
    }

    /// Counts a mail delivery attempt.
    pub(crate) fn mail(&self, sent: bool) {
        let outcome = if sent { "sent" } else { "failed" };
        self.mail.get_or_create(&MailOutcome { outcome }).inc();
    }
}

impl Service {
    /// Registers the domain's metrics, as they are now, in `registry` (a fresh one per
    /// scrape: the gauges are read from the live structures, the counters are shared).
    pub fn register_metrics(&self, registry: &mut Registry) {
        let metrics = &self.metrics;
        registry.register(
            "auth_return_sign_ins",
            "Sign-in attempts that ended, by result (success or the failure's reason)",
            metrics.sign_ins.clone(),
        );
        registry.register(
            "auth_return_events",
            "Audit events by kind (sign_up, sign_in, locked_out, ...)",
            self.events.counted().clone(),
        );
        let recorder = self.events.stats();
        registry.register(
            "auth_return_events_lost",
            "Audit events that could not be written (queue full or database refusing)",
            ConstCounter::new(recorder.dropped() + recorder.failed()),
        );
        registry.register(
            "auth_return_mail",
            "Mail delivery attempts by outcome",
            metrics.mail.clone(),
        );

        let compute = self.compute.usage();
        gauge(
            registry,
            "auth_return_crypto_slots",
            "Crypto jobs that may run at once",
            compute.slots,
        );
        gauge(
            registry,
            "auth_return_crypto_running",
            "Crypto jobs running now",
            compute.running,
        );
        gauge(
            registry,
            "auth_return_crypto_queued",
            "Crypto jobs waiting for a slot now",
            compute.queued,
        );
        registry.register(
            "auth_return_crypto_shed",
            "Crypto jobs refused because the queue was full or the wait too long (answered as overloaded)",
            ConstCounter::new(compute.shed),
        );
        registry.register(
            "auth_return_crypto_cpu_seconds",
            "CPU time the crypto jobs used (each job's thread clock: waiting for a core is not counted)",
            ConstCounter::new(compute.cpu_nanos as f64 / 1e9),
        );

        let keys = self.keys.usage();
        gauge(
            registry,
            "auth_return_key_cache_pools",
            "Pools whose signing keys are cached",
            keys.pools,
        );
        registry.register(
            "auth_return_key_cache_loads",
            "Signing-key sets read from the database (first uses and reloads after a change)",
            ConstCounter::new(keys.loads),
        );

        let connections = self.store.connection_use();
        let states: Family<ConnectionState, Gauge> = Family::default();
        for (state, count) in [("in_use", connections.in_use), ("idle", connections.idle)] {
            states
                .get_or_create(&ConnectionState { state })
                .set(i64::from(count));
        }
        registry.register(
            "auth_return_db_connections",
            "The database pool's open connections, by state",
            states,
        );
        gauge(
            registry,
            "auth_return_db_connections_max",
            "The most connections the database pool opens",
            connections.max as usize,
        );
    }
}

/// Registers a gauge holding `value`.
fn gauge(registry: &mut Registry, name: &str, help: &str, value: usize) {
    let gauge = Gauge::<i64>::default();
    gauge.set(i64::try_from(value).unwrap_or(i64::MAX));
    registry.register(name, help, gauge);
}
