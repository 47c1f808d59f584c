//! Conversation memory for the front ends: the last [`Context`] of each chat.
//!
//! In memory only, never written to the curator store, and bounded twice: by count (the least
//! recently used chat is forgotten first once `capacity` chats are remembered) and by age (a
//! context untouched for `ttl` is gone). The core never sees this map; a front end looks the
//! context up, passes it to [`crate::core::Engine::ask_in`] and stores
//! [`Context::after`] the reply. Time is passed in (`now`), so tests need no clock.

use crate::core::Context;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Chats remembered at most by default (about a kilobyte each at worst).
pub const DEFAULT_CAPACITY: usize = 10_000;
/// How long a conversation is remembered without a new message.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 60);

struct Slot {
    context: Context,
    touched: Instant,
    /// Position in the use order.
    tick: u64,
}

struct Inner<K> {
    slots: HashMap<K, Slot>,
    /// Use order: tick → key, oldest first.
    order: BTreeMap<u64, K>,
    next_tick: u64,
}

/// The contexts of many chats, keyed by whatever identifies a conversation on the platform.
pub struct ChatMemory<K> {
    inner: Mutex<Inner<K>>,
    capacity: usize,
    ttl: Duration,
}

impl<K: Hash + Eq + Clone> Default for ChatMemory<K> {
    fn default() -> Self {
        ChatMemory::new(DEFAULT_CAPACITY, DEFAULT_TTL)
    }
}

impl<K: Hash + Eq + Clone> ChatMemory<K> {
    /// A memory of at most `capacity` chats (at least one), each kept for `ttl` after its last
    /// message.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        ChatMemory {
            inner: Mutex::new(Inner {
                slots: HashMap::new(),
                order: BTreeMap::new(),
                next_tick: 0,
            }),
            capacity: capacity.max(1),
            ttl,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K>> {
        // A panic elsewhere while holding the lock leaves the map consistent: keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The context of chat `key`, unless it expired (then it is forgotten).
    pub fn get(&self, key: &K, now: Instant) -> Option<Context> {
        let mut inner = self.lock();
        let slot = inner.slots.get(key)?;
        if now.saturating_duration_since(slot.touched) > self.ttl {
            let tick = slot.tick;
            inner.slots.remove(key);
            inner.order.remove(&tick);
            return None;
        }
        Some(slot.context.clone())
    }

    /// Remembers `context` for chat `key` (an empty one forgets the chat), forgetting the
    /// least recently used chat when full.
    pub fn put(&self, key: K, context: Context, now: Instant) {
        if context.is_empty() {
            self.forget(&key);
            return;
        }
        let mut inner = self.lock();
        let tick = inner.next_tick;
        inner.next_tick += 1;
        let old = inner.slots.insert(
            key.clone(),
            Slot {
                context,
                touched: now,
                tick,
            },
        );
        if let Some(old) = old {
            inner.order.remove(&old.tick);
        }
        inner.order.insert(tick, key);
        while inner.slots.len() > self.capacity {
            let Some((_, oldest)) = inner.order.pop_first() else {
                break;
            };
            inner.slots.remove(&oldest);
        }
    }

    /// Forgets chat `key` (`/start`, `:reset`).
    pub fn forget(&self, key: &K) {
        let mut inner = self.lock();
        if let Some(slot) = inner.slots.remove(key) {
            inner.order.remove(&slot.tick);
        }
    }

    /// How many chats are remembered (expired ones count until they are looked up or pushed
    /// out).
    pub fn len(&self) -> usize {
        self.lock().slots.len()
    }

    /// Whether no chat is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hundred_thousand_chats_stay_within_the_bound() {
        let memory: ChatMemory<u64> = ChatMemory::default();
        let now = Instant::now();
        for chat in 0..100_000u64 {
            memory.put(chat, Context::about(format!("topik-{chat}")), now);
        }
        assert_eq!(memory.len(), DEFAULT_CAPACITY);
        let inner = memory.lock();
        assert_eq!(
            inner.order.len(),
            DEFAULT_CAPACITY,
            "the use order is bounded too"
        );
        drop(inner);
        // The most recent chats are the ones kept.
        assert_eq!(
            memory.get(&99_999, now),
            Some(Context::about("topik-99999"))
        );
        assert_eq!(memory.get(&0, now), None);
        let oldest_kept = 100_000 - DEFAULT_CAPACITY as u64;
        assert_eq!(memory.get(&(oldest_kept - 1), now), None);
        assert!(memory.get(&oldest_kept, now).is_some());
    }

    #[test]
    fn the_least_recently_used_chat_goes_first() {
        let memory: ChatMemory<&str> = ChatMemory::new(2, DEFAULT_TTL);
        let now = Instant::now();
        memory.put("a", Context::about("x"), now);
        memory.put("b", Context::about("y"), now);
        memory.put("a", Context::about("z"), now); // a is used again
        memory.put("c", Context::about("w"), now);
        assert_eq!(memory.get(&"b", now), None);
        assert_eq!(memory.get(&"a", now), Some(Context::about("z")));
        assert_eq!(memory.len(), 2);
    }

    #[test]
    fn a_conversation_expires_after_the_ttl() {
        let memory: ChatMemory<u8> = ChatMemory::new(10, Duration::from_secs(1800));
        let start = Instant::now();
        memory.put(1, Context::about("x"), start);
        let later = start + Duration::from_secs(1799);
        assert!(memory.get(&1, later).is_some());
        let expired = start + Duration::from_secs(1801);
        assert_eq!(memory.get(&1, expired), None);
        assert!(memory.is_empty(), "an expired context is forgotten");
    }

    #[test]
    fn forgetting_and_empty_contexts_clear_a_chat() {
        let memory: ChatMemory<u8> = ChatMemory::default();
        let now = Instant::now();
        memory.put(1, Context::about("x"), now);
        memory.forget(&1);
        assert_eq!(memory.get(&1, now), None);
        memory.put(2, Context::about("x"), now);
        memory.put(2, Context::default(), now);
        assert!(memory.is_empty());
    }
}
