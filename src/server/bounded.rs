//! A map with a cap and an expiry, for the server's stores.
//!
//! Every record of one store lives equally long, so insertion order is expiry
//! order: forgetting what has expired only looks at the oldest records and
//! stops at the first live one, instead of scanning the whole store on every
//! request. Past the cap the oldest record is evicted, which keeps memory
//! flat whatever a client sends.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tokio::time::Instant;

/// One record and when it expires.
#[derive(Debug)]
pub(crate) struct Entry<V> {
    seq: u64,
    pub(crate) expires_at: Instant,
    pub(crate) value: V,
}

impl<V> Entry<V> {
    /// Whether the record has expired at `now`.
    pub(crate) fn expired(&self, now: Instant) -> bool {
        self.expires_at <= now
    }
}

/// Records by key, at most `capacity` of them, each living `lifetime`.
#[derive(Debug)]
pub(crate) struct Bounded<V> {
    entries: HashMap<String, Entry<V>>,
    /// Keys in insertion order (the sequence number), oldest first.
    order: BTreeMap<u64, String>,
    next_seq: u64,
    capacity: usize,
    lifetime: Duration,
}

impl<V> Bounded<V> {
    pub(crate) fn new(capacity: usize, lifetime: Duration) -> Self {
        Self {
            entries: HashMap::new(),
            order: BTreeMap::new(),
            next_seq: 0,
            capacity: capacity.max(1),
            lifetime,
        }
    }

    /// Stores `value` under `key` for the store's lifetime, after forgetting
    /// what has expired and, at the cap, the oldest records. Returns how
    /// many live records were evicted to make room.
    pub(crate) fn insert(&mut self, key: String, value: V, now: Instant) -> usize {
        self.sweep(now);
        let mut evicted = 0;
        while self.entries.len() >= self.capacity && self.pop_oldest().is_some() {
            evicted += 1;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.order.insert(seq, key.clone());
        let entry = Entry {
            seq,
            expires_at: now + self.lifetime,
            value,
        };
        if let Some(old) = self.entries.insert(key, entry) {
            self.order.remove(&old.seq);
        }
        evicted
    }

    /// The record under `key`, expired or not: the caller says which (an
    /// expired code is `invalid_grant` "expired", not "unknown").
    pub(crate) fn get(&self, key: &str) -> Option<&Entry<V>> {
        self.entries.get(key)
    }

    /// The record under `key`, if it has not expired.
    pub(crate) fn get_live(&self, key: &str, now: Instant) -> Option<&V> {
        self.get(key).filter(|e| !e.expired(now)).map(|e| &e.value)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Entry<V>> {
        self.entries.get_mut(key)
    }

    pub(crate) fn contains_live(&self, key: &str, now: Instant) -> bool {
        self.get_live(key, now).is_some()
    }

    /// Takes the record out, expired or not.
    pub(crate) fn remove(&mut self, key: &str) -> Option<Entry<V>> {
        let entry = self.entries.remove(key)?;
        self.order.remove(&entry.seq);
        Some(entry)
    }

    /// Forgets expired records, oldest first, stopping at the first live one.
    pub(crate) fn sweep(&mut self, now: Instant) {
        while let Some((_, key)) = self.order.first_key_value() {
            match self.entries.get(key) {
                Some(entry) if !entry.expired(now) => break,
                _ => {
                    self.pop_oldest();
                }
            }
        }
    }

    fn pop_oldest(&mut self) -> Option<Entry<V>> {
        let (_, key) = self.order.pop_first()?;
        self.entries.remove(&key)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_goes_first_at_the_cap() {
        let now = Instant::now();
        let mut map = Bounded::new(2, Duration::from_secs(60));
        assert_eq!(map.insert("a".into(), 1, now), 0);
        assert_eq!(map.insert("b".into(), 2, now), 0);
        assert_eq!(map.insert("c".into(), 3, now), 1);
        assert!(map.get("a").is_none());
        assert_eq!(map.get_live("c", now), Some(&3));
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn expired_records_are_swept_from_the_front_only() {
        let start = Instant::now();
        let mut map = Bounded::new(10, Duration::from_secs(10));
        map.insert("old".into(), 1, start);
        map.insert("new".into(), 2, start + Duration::from_secs(5));
        let later = start + Duration::from_secs(11);
        // Expired but not yet swept: still readable, marked expired.
        assert!(map.get("old").is_some_and(|e| e.expired(later)));
        assert_eq!(map.get_live("old", later), None);
        map.insert("newest".into(), 3, later);
        assert!(map.get("old").is_none());
        assert_eq!(map.get_live("new", later), Some(&2));
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn removal_and_reinsertion_keep_the_order_consistent() {
        let now = Instant::now();
        let mut map = Bounded::new(2, Duration::from_secs(60));
        map.insert("a".into(), 1, now);
        assert_eq!(map.remove("a").map(|e| e.value), Some(1));
        map.insert("b".into(), 2, now);
        map.insert("b".into(), 3, now);
        map.insert("c".into(), 4, now);
        assert_eq!(map.len(), 2);
        assert_eq!(map.order.len(), 2);
        map.insert("d".into(), 5, now);
        assert!(map.get("b").is_none());
    }
}
