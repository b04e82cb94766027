//! Audit events written off the request path: a request hands its event to a bounded queue and
//! goes on; one background task writes what has queued, as one batch
//! ([`crate::store::EventStore::record_events`]), while the next requests queue behind it. Under
//! light load each event is written as it comes; under heavy load batches grow, so recording
//! costs a request a queue push and the database one insert per batch.
//!
//! What a failure does (the choice the issue asks for): an event that cannot be recorded never
//! fails or delays the user's request. A batch the database refuses is tried once more after
//! [`RETRY_AFTER`]; if it fails again its events are lost, and every loss is **loud**: an
//! error-level log line with the count and the cause, and the counters of
//! [`EventRecorder::stats`]. A full queue (the database far behind) drops the new event the same
//! way rather than hold the request.

use crate::events::NewEvent;
use crate::metrics::EventKindLabel;
use crate::store::Store;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Events that may wait for the writer before new ones are dropped.
pub const QUEUE_CAPACITY: usize = 16_384;
/// The most events one write takes.
pub const MAX_BATCH: usize = 500;
/// How long the writer waits before it tries a refused batch again.
pub const RETRY_AFTER: Duration = Duration::from_millis(200);

/// What the writer is asked to do, in queue order.
enum Command {
    /// Write this event.
    Record(Box<NewEvent>),
    /// Answer once everything queued before this is written (or lost).
    Flush(oneshot::Sender<()>),
}

/// Counters of the recorder's work since it started.
#[derive(Debug, Default)]
pub struct RecorderStats {
    recorded: AtomicU64,
    dropped_full: AtomicU64,
    lost_failed: AtomicU64,
}

impl RecorderStats {
    /// Events written to the store.
    pub fn recorded(&self) -> u64 {
        self.recorded.load(Ordering::Relaxed)
    }

    /// Events dropped because the queue was full (or the writer had stopped).
    pub fn dropped(&self) -> u64 {
        self.dropped_full.load(Ordering::Relaxed)
    }

    /// Events lost because the store refused their batch twice.
    pub fn failed(&self) -> u64 {
        self.lost_failed.load(Ordering::Relaxed)
    }
}

/// Hands events to the background writer. Cheap to clone; the writer stops when the last
/// clone is dropped, after writing what was queued.
#[derive(Clone, Debug)]
pub struct EventRecorder {
    queue: mpsc::Sender<Command>,
    stats: Arc<RecorderStats>,
    counted: Family<EventKindLabel, Counter>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Record(event) => write!(f, "Record({})", event.kind),
            Self::Flush(_) => f.write_str("Flush"),
        }
    }
}

impl EventRecorder {
    /// Starts the writer on the current tokio runtime, writing to `store`.
    pub fn spawn(store: Arc<dyn Store>) -> Self {
        Self::spawn_with(store, QUEUE_CAPACITY)
    }

    /// [`Self::spawn`] with a queue of `capacity` events (at least 1).
    pub fn spawn_with(store: Arc<dyn Store>, capacity: usize) -> Self {
        let (queue, commands) = mpsc::channel(capacity.max(1));
        let stats = Arc::new(RecorderStats::default());
        tokio::spawn(write_batches(store, commands, stats.clone()));
        Self {
            queue,
            stats,
            counted: Family::default(),
        }
    }

    /// Queues `event` without waiting. Never fails the caller: a full queue drops the event,
    /// counted and logged.
    pub fn record(&self, event: NewEvent) {
        let kind = event.kind.as_str();
        self.counted.get_or_create(&EventKindLabel { kind }).inc();
        if let Err(refused) = self.queue.try_send(Command::Record(Box::new(event))) {
            let dropped = self.stats.dropped_full.fetch_add(1, Ordering::Relaxed) + 1;
            // Every event lost is counted; the log says so at the first and every 1,000th.
            if dropped == 1 || dropped.is_multiple_of(1000) {
                let reason = match refused {
                    mpsc::error::TrySendError::Full(_) => "the queue is full",
                    mpsc::error::TrySendError::Closed(_) => "the writer has stopped",
                };
                tracing::error!(dropped, reason, "audit events dropped");
            }
        }
    }

    /// Waits until every event queued before this call is written (or lost, as logged). For
    /// a command that exits after its work, and for tests.
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Command::Flush(done)).await.is_ok() {
            // A writer that stopped has nothing left to write.
            let _ = written.await;
        }
    }

    /// The writer's counters.
    pub fn stats(&self) -> &RecorderStats {
        &self.stats
    }

    /// Events handed to the recorder, by kind (written or lost: they happened all the same).
    pub fn counted(&self) -> &Family<EventKindLabel, Counter> {
        &self.counted
    }
}

/// The writer: takes what has queued, up to [`MAX_BATCH`], writes it, answers flushes, repeats.
async fn write_batches(
    store: Arc<dyn Store>,
    mut commands: mpsc::Receiver<Command>,
    stats: Arc<RecorderStats>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut flushes = Vec::new();
    while let Some(first) = commands.recv().await {
        let mut next = Some(first);
        while let Some(command) = next {
            match command {
                Command::Record(event) => batch.push(*event),
                Command::Flush(done) => flushes.push(done),
            }
            next = if batch.len() < MAX_BATCH {
                commands.try_recv().ok()
            } else {
                None
            };
        }
        if !batch.is_empty() {
            write(store.as_ref(), &batch, &stats).await;
            batch.clear();
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Writes one batch, with one retry.
async fn write(store: &dyn Store, batch: &[NewEvent], stats: &RecorderStats) {
    let count = batch.len() as u64;
    let first = match store.record_events(batch).await {
        Ok(()) => {
            stats.recorded.fetch_add(count, Ordering::Relaxed);
            return;
        }
        Err(e) => e,
    };
    tracing::warn!(events = count, error = %first, "recording audit events failed; retrying");
    tokio::time::sleep(RETRY_AFTER).await;
    match store.record_events(batch).await {
        Ok(()) => {
            stats.recorded.fetch_add(count, Ordering::Relaxed);
        }
        Err(e) => {
            stats.lost_failed.fetch_add(count, Ordering::Relaxed);
            tracing::error!(events = count, error = %e, "audit events lost: the store refused them twice");
        }
    }
}
