//! [`SqliteRecorder`]: the [`Recorder`] that queues events for a writer thread.
//!
//! The answering path only builds a small owned event and `try_send`s it on a bounded channel:
//! it never waits for the disk or a lock. The writer thread takes whatever is queued, writes it
//! in one transaction and goes back to waiting. Trouble (queue full, database locked or broken)
//! drops events and logs one warning per outage, not one per event; `close` (or drop) writes
//! what is queued, waiting a bounded time.

use super::{AskedEvent, Event, FeedbackEvent, Store, StoreError, now};
use crate::core::record::{Asked, Feedback, Recorder};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The most events written in one transaction.
const MAX_BATCH: usize = 8_192;
/// After a warning, further outages within this time are logged at `info`, not `warn`.
const WARNING_INTERVAL: Duration = Duration::from_secs(600);

/// Tuning of a [`SqliteRecorder`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Events that may wait for the writer; more are dropped (with a warning).
    pub capacity: usize,
    /// How long closing waits for the writer to finish the queue.
    pub close_timeout: Duration,
    /// How long the writer gathers events after the first before it commits them: fewer,
    /// larger transactions (cheaper for the machine that also answers); an event is committed
    /// at most this long after it happened, unless the database is slow.
    pub linger: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            capacity: 10_000,
            close_timeout: Duration::from_secs(3),
            linger: Duration::from_millis(100),
        }
    }
}

/// Records into the SQLite store from a writer thread; see the module docs.
pub struct SqliteRecorder {
    queue: RwLock<Option<SyncSender<Event>>>,
    /// The writer, and a channel that disconnects when it has finished.
    writer: Mutex<Option<(JoinHandle<()>, Receiver<()>)>>,
    health: Arc<Health>,
    close_timeout: Duration,
    /// The writer thread, woken early when the queue is half full.
    writer_thread: std::thread::Thread,
    half_full: i64,
}

/// What the answering path and the writer share: counters and the warn-once state.
#[derive(Default)]
struct Health {
    degraded: AtomicBool,
    closing: AtomicBool,
    warnings: AtomicUsize,
    dropped: AtomicU64,
    written: AtomicU64,
    /// Events in the queue: sent minus taken (briefly negative when the writer takes an
    /// event before its sender counts it).
    queued: AtomicI64,
    last_warning: Mutex<Option<Instant>>,
}

impl Health {
    /// `n` events were dropped: counted here and in the process's metrics.
    fn dropped(&self, n: u64) {
        self.dropped.fetch_add(n, Ordering::SeqCst);
        crate::metrics::Metrics::global().store_dropped(n);
    }

    /// `n` events were committed.
    fn written(&self, n: u64) {
        self.written.fetch_add(n, Ordering::SeqCst);
        crate::metrics::Metrics::global().store_written(n);
    }

    /// Something went wrong: the first time in an outage, say so.
    fn trouble(&self, what: &dyn std::fmt::Display) {
        if self.degraded.swap(true, Ordering::SeqCst) {
            return;
        }
        let mut last = self
            .last_warning
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_none_or(|t| t.elapsed() >= WARNING_INTERVAL) {
            *last = Some(Instant::now());
            self.warnings.fetch_add(1, Ordering::SeqCst);
            tracing::warn!(
                "curator store: {what}; answers go on, but questions and feedback are not recorded until it recovers"
            );
        } else {
            tracing::info!("curator store: {what}; not recording until it recovers");
        }
    }

    fn recovered(&self) {
        if self.degraded.swap(false, Ordering::SeqCst) {
            tracing::info!(
                "curator store: recording again ({} events were dropped so far)",
                self.dropped.load(Ordering::SeqCst)
            );
        }
    }
}

impl SqliteRecorder {
    /// Opens (or creates) the store at `path` and starts the writer thread.
    pub fn open(path: &Path) -> Result<SqliteRecorder, StoreError> {
        SqliteRecorder::open_with(path, Options::default())
    }

    pub fn open_with(path: &Path, options: Options) -> Result<SqliteRecorder, StoreError> {
        let store = Store::open(path)?;
        let (tx, rx) = mpsc::sync_channel(options.capacity.max(1));
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let health = Arc::new(Health::default());
        let h = Arc::clone(&health);
        let handle = std::thread::Builder::new()
            .name("netral-store".into())
            .spawn(move || {
                let _done = done_tx;
                write_loop(store, &rx, &h, options.linger);
            })
            .map_err(StoreError::Thread)?;
        let writer_thread = handle.thread().clone();
        Ok(SqliteRecorder {
            writer_thread,
            half_full: (options.capacity / 2).max(1) as i64,
            queue: RwLock::new(Some(tx)),
            writer: Mutex::new(Some((handle, done_rx))),
            health,
            close_timeout: options.close_timeout,
        })
    }

    /// Warnings logged so far (at most one per outage).
    pub fn warnings(&self) -> usize {
        self.health.warnings.load(Ordering::SeqCst)
    }

    /// Events dropped so far (queue full, database unusable).
    pub fn dropped(&self) -> u64 {
        self.health.dropped.load(Ordering::SeqCst)
    }

    /// Events committed so far.
    pub fn written(&self) -> u64 {
        self.health.written.load(Ordering::SeqCst)
    }

    fn send(&self, event: Event) {
        let queue = self.queue.read().unwrap_or_else(PoisonError::into_inner);
        let Some(tx) = queue.as_ref() else {
            return; // closed: the process is shutting down
        };
        match tx.try_send(event) {
            Ok(()) => {
                // Exactly one sender sees the count pass half the capacity: it wakes the writer
                // from its linger rather than let the queue overflow.
                if self.health.queued.fetch_add(1, Ordering::SeqCst) + 1 == self.half_full {
                    self.writer_thread.unpark();
                }
            }
            Err(TrySendError::Full(_)) => {
                self.health.dropped(1);
                self.health
                    .trouble(&"the queue is full (the database is slow or locked)");
            }
            Err(TrySendError::Disconnected(_)) => {
                self.health.dropped(1);
                self.health.trouble(&"the writer thread has stopped");
            }
        }
    }
}

impl Recorder for SqliteRecorder {
    fn asked(&self, event: &Asked<'_>) {
        if let Some(e) = AskedEvent::new(event, now()) {
            self.send(Event::Asked(e));
        }
    }

    fn feedback(&self, event: &Feedback<'_>) {
        self.send(Event::Feedback(FeedbackEvent::new(event, now())));
    }

    /// Stops taking events, lets the writer commit what is queued and waits for it, at most
    /// `close_timeout`. Later calls do nothing.
    fn close(&self) {
        self.health.closing.store(true, Ordering::SeqCst);
        drop(
            self.queue
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some((handle, done)) = writer else {
            return;
        };
        handle.thread().unpark();
        match done.recv_timeout(self.close_timeout) {
            Err(RecvTimeoutError::Timeout) => {
                self.health.trouble(&format_args!(
                    "could not finish writing within {:?} at exit",
                    self.close_timeout
                ));
                // The thread is left to the process's end.
            }
            Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                let _ = handle.join();
            }
        }
        let dropped = self.dropped();
        if dropped > 0 {
            tracing::info!("curator store: {dropped} events were not recorded");
        }
    }
}

impl Drop for SqliteRecorder {
    fn drop(&mut self) {
        self.close();
    }
}

fn write_loop(mut store: Store, rx: &Receiver<Event>, health: &Health, linger: Duration) {
    let mut batch = Vec::with_capacity(256);
    while let Ok(first) = rx.recv() {
        batch.push(first);
        let drain = |batch: &mut Vec<Event>| {
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(e) => batch.push(e),
                    Err(_) => break,
                }
            }
        };
        drain(&mut batch);
        if batch.len() < MAX_BATCH && !health.closing.load(Ordering::SeqCst) {
            // Sleep rather than wait on the queue: a waiting receiver costs every sender a
            // wake-up call, a sleeping one costs nothing. A half-full queue or `close` unparks.
            std::thread::park_timeout(linger);
            drain(&mut batch);
        }
        health
            .queued
            .fetch_sub(batch.len() as i64, Ordering::SeqCst);
        let n = batch.len() as u64;
        // Shutting down with a database that already failed: drop the rest quickly rather
        // than wait for the lock once per batch.
        if health.closing.load(Ordering::SeqCst) && health.degraded.load(Ordering::SeqCst) {
            health.dropped(n);
        } else {
            match store.write(&batch) {
                Ok(()) => {
                    health.written(n);
                    health.recovered();
                }
                Err(e) => {
                    health.dropped(n);
                    health.trouble(&format_args!("cannot write ({e})"));
                }
            }
        }
        batch.clear();
    }
}
