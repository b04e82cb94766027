//! A bounded pool for expensive crypto (modular exponentiation, RSA signing), kept off the
//! async threads so slow math never stalls I/O, and capped so that overload sheds work with
//! [`Error::Overloaded`] instead of growing everyone's latency without bound
//! (docs/architecture.md rule 6).

use crate::error::{Error, Result};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Jobs allowed to wait per running slot before new ones are refused.
const QUEUE_PER_SLOT: usize = 64;

/// The longest a job waits for a slot before it is refused.
const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(2);

/// Runs CPU-heavy closures on the blocking pool: at most `max_concurrent` at once, at most
/// `max_queued` waiting, none waiting longer than `max_wait`.
#[derive(Clone, Debug)]
pub struct ComputePool {
    permits: Arc<Semaphore>,
    slots: usize,
    queued: Arc<AtomicUsize>,
    shed: Arc<AtomicU64>,
    cpu_nanos: Arc<AtomicU64>,
    max_queued: usize,
    max_wait: Duration,
}

/// What the pool is doing now, and how much it has refused since it started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComputeUse {
    /// Jobs that may run at once.
    pub slots: usize,
    /// Jobs running now.
    pub running: usize,
    /// Jobs waiting for a slot now.
    pub queued: usize,
    /// Jobs refused with [`Error::Overloaded`] since the pool was made.
    pub shed: u64,
    /// CPU time the jobs have used since the pool was made (their threads' own clocks, so
    /// time spent waiting for a core is not counted), in nanoseconds: beside the process's
    /// CPU time, how much of it went to cryptography.
    pub cpu_nanos: u64,
}

impl ComputePool {
    /// A pool running `max_concurrent` jobs at once (at least one), queueing 64 per slot for
    /// at most 2 s.
    pub fn new(max_concurrent: usize) -> Self {
        let slots = max_concurrent.max(1);
        Self::bounded(slots, slots * QUEUE_PER_SLOT, DEFAULT_MAX_WAIT)
    }

    /// A pool with explicit bounds.
    pub fn bounded(max_concurrent: usize, max_queued: usize, max_wait: Duration) -> Self {
        let slots = max_concurrent.max(1);
        Self {
            permits: Arc::new(Semaphore::new(slots)),
            slots,
            queued: Arc::new(AtomicUsize::new(0)),
            shed: Arc::new(AtomicU64::new(0)),
            cpu_nanos: Arc::new(AtomicU64::new(0)),
            max_queued,
            max_wait,
        }
    }

    /// A pool sized to the machine's cores.
    pub fn for_this_machine() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// What the pool is doing now (for metrics).
    pub fn usage(&self) -> ComputeUse {
        ComputeUse {
            slots: self.slots,
            running: self.slots.saturating_sub(self.permits.available_permits()),
            queued: self.queued.load(Ordering::Relaxed),
            shed: self.shed.load(Ordering::Relaxed),
            cpu_nanos: self.cpu_nanos.load(Ordering::Relaxed),
        }
    }

    /// Runs `job` on the blocking pool once a slot is free; [`Error::Overloaded`] when the
    /// queue is full or the wait too long.
    pub async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let outcome = self.start(job).await;
        if matches!(outcome, Err(Error::Overloaded)) {
            self.shed.fetch_add(1, Ordering::Relaxed);
        }
        outcome
    }

    async fn start<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let _place = QueuePlace::take(&self.queued, self.max_queued)?;
                tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned())
                    .await
                    .map_err(|_| Error::Overloaded)?
                    .map_err(|_| Error::Overloaded)?
            }
        };
        // The slot travels with the job: a caller that gives up (a closed connection) does not
        // free it while the math still runs.
        let cpu_nanos = self.cpu_nanos.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let started = thread_cpu_nanos();
            let output = job();
            cpu_nanos.fetch_add(
                thread_cpu_nanos().saturating_sub(started),
                Ordering::Relaxed,
            );
            output
        })
        .await
        .map_err(|e| Error::Internal(format!("crypto job failed: {e}")))
    }
}

/// The CPU time the calling thread has used, in nanoseconds.
fn thread_cpu_nanos() -> u64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    u64::try_from(now.tv_sec)
        .unwrap_or(0)
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::try_from(now.tv_nsec).unwrap_or(0))
}

/// A place in the queue, given back on drop (also when the waiting future is cancelled).
struct QueuePlace<'a>(&'a AtomicUsize);

impl<'a> QueuePlace<'a> {
    fn take(queued: &'a AtomicUsize, max: usize) -> Result<Self> {
        queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .map(|_| Self(queued))
            .map_err(|_| Error::Overloaded)
    }
}

impl Drop for QueuePlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::mpsc;

    /// Occupies the pool's one slot until the returned sender is dropped.
    async fn occupy(pool: &ComputePool) -> (mpsc::Sender<()>, tokio::task::JoinHandle<()>) {
        let (release, wait) = mpsc::channel::<()>();
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let running = pool.clone();
        let handle = tokio::spawn(async move {
            running
                .run(move || {
                    started_tx.send(()).unwrap();
                    let _ = wait.recv();
                })
                .await
                .unwrap();
        });
        started.await.unwrap();
        (release, handle)
    }

    #[tokio::test]
    async fn a_full_queue_sheds_new_jobs_at_once_and_queued_ones_still_run() {
        let pool = ComputePool::bounded(1, 1, Duration::from_secs(60));
        let (release, busy) = occupy(&pool).await;
        let queued = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(|| 7).await }
        });
        while pool.queued.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(pool.run(|| 8).await, Err(Error::Overloaded)));
        let expected = ComputeUse {
            slots: 1,
            running: 1,
            queued: 1,
            shed: 1,
            cpu_nanos: 0,
        };
        // (The CPU the jobs used is another test's.)
        let usage = |pool: &ComputePool| ComputeUse {
            cpu_nanos: 0,
            ..pool.usage()
        };
        assert_eq!(usage(&pool), expected);
        drop(release);
        busy.await.unwrap();
        assert_eq!(queued.await.unwrap().unwrap(), 7);
        assert_eq!(pool.queued.load(Ordering::Acquire), 0);
        assert_eq!(pool.run(|| 9).await.unwrap(), 9);
        let idle = ComputeUse {
            running: 0,
            queued: 0,
            ..expected
        };
        assert_eq!(usage(&pool), idle);
    }

    #[tokio::test]
    async fn the_cpu_the_jobs_use_is_counted_and_time_spent_waiting_is_not() {
        let pool = ComputePool::new(1);
        assert_eq!(pool.usage().cpu_nanos, 0);
        // A job that keeps a core busy for 30 ms of its own thread's time.
        pool.run(|| {
            let started = thread_cpu_nanos();
            let mut spin = 0u64;
            while thread_cpu_nanos() - started < 30_000_000 {
                spin = std::hint::black_box(spin.wrapping_add(1));
            }
        })
        .await
        .unwrap();
        let busy = pool.usage().cpu_nanos;
        assert!(busy >= 30_000_000, "{busy} ns counted");
        // A job that sleeps 200 ms uses next to no CPU.
        pool.run(|| std::thread::sleep(Duration::from_millis(200)))
            .await
            .unwrap();
        let slept = pool.usage().cpu_nanos - busy;
        assert!(slept < 100_000_000, "{slept} ns counted for a sleep");
    }

    #[tokio::test]
    async fn a_job_waiting_too_long_is_refused_and_leaves_the_queue() {
        // (Real time: tokio's paused clock does not advance while blocking jobs run.)
        let pool = ComputePool::bounded(1, 10, Duration::from_millis(50));
        let (release, busy) = occupy(&pool).await;
        assert!(matches!(pool.run(|| 1).await, Err(Error::Overloaded)));
        assert_eq!(pool.queued.load(Ordering::Acquire), 0);
        drop(release);
        busy.await.unwrap();
        assert_eq!(pool.run(|| 2).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn a_cancelled_caller_keeps_its_slot_until_the_job_ends() {
        let pool = ComputePool::bounded(1, 0, Duration::from_secs(60));
        let (release, wait) = mpsc::channel::<()>();
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let caller = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    started_tx.send(()).unwrap();
                    let _ = wait.recv();
                })
                .await
            }
        });
        started.await.unwrap();
        caller.abort();
        let _ = caller.await;
        // The math is still running: no second job may start beside it.
        assert!(matches!(pool.run(|| 1).await, Err(Error::Overloaded)));
        drop(release);
        let mut freed = false;
        for _ in 0..1000 {
            if pool.permits.available_permits() == 1 {
                freed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(freed);
    }
}
