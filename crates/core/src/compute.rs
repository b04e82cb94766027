//! A bounded pool for expensive crypto (modular exponentiation, RSA signing), kept off the
//! async threads so slow math never stalls I/O, and capped so overload queues instead of
//! thrashing (architecture rule 6).

use crate::error::{Error, Result};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Runs CPU-heavy closures on the blocking pool, at most `permits` at once.
#[derive(Clone, Debug)]
pub struct ComputePool {
    permits: Arc<Semaphore>,
}

impl ComputePool {
    /// A pool allowing `max_concurrent` jobs at once (at least one).
    pub fn new(max_concurrent: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
        }
    }

    /// A pool sized to the machine's cores.
    pub fn for_this_machine() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// Runs `job` on the blocking pool once a permit is free.
    pub async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::Overloaded)?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| Error::Internal(format!("crypto job failed: {e}")))
    }
}
