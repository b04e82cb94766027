//! The time rate limiters read: the machine's monotonic clock, or a manual one for tests.

use governor::nanos::Nanos;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A monotonic clock for the rate limiters; `manual()` stands still until `advance` moves it.
#[derive(Clone, Debug)]
pub struct LimiterClock {
    origin: Instant,
    manual: Option<Arc<AtomicU64>>,
}

impl Default for LimiterClock {
    fn default() -> Self {
        Self {
            origin: Instant::now(),
            manual: None,
        }
    }
}

impl LimiterClock {
    /// A clock that only moves when [`advance`](Self::advance) is called.
    pub fn manual() -> Self {
        Self {
            origin: Instant::now(),
            manual: Some(Arc::new(AtomicU64::new(0))),
        }
    }

    /// Moves a manual clock forward (no effect on the machine's clock).
    pub fn advance(&self, by: Duration) {
        if let Some(now) = &self.manual {
            let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
            now.fetch_add(by, Ordering::SeqCst);
        }
    }
}

impl governor::clock::Clock for LimiterClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        match &self.manual {
            Some(now) => Nanos::from(now.load(Ordering::SeqCst)),
            None => Nanos::from(self.origin.elapsed()),
        }
    }
}
