//! Application-generated ids, the same on both backends (SQLite has no sequences that work with
//! composite keys). An id is `(ms since 2024-01-01) << 16 | tag << 12 | counter`: time-ordered,
//! below 2^53 for a century (safe as a JSON number), and unique across processes that start
//! with different random 4-bit tags within one millisecond. A burst above 4096 ids/ms borrows
//! from the next millisecond, so ids stay strictly increasing within a process.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const EPOCH_MS: u64 = 1_704_067_200_000;

struct State {
    ms: u64,
    counter: u64,
    tag: u64,
}

static STATE: Mutex<State> = Mutex::new(State { ms: 0, counter: 0, tag: u64::MAX });

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0).saturating_sub(EPOCH_MS)
}

/// A fresh id.
pub fn next_id() -> i64 {
    reserve(1)
}

/// Reserves `n` consecutive-in-order ids and returns the first; the rest follow via [`successor`].
pub fn reserve(n: u64) -> i64 {
    let mut s = STATE.lock().unwrap_or_else(|e| e.into_inner());
    if s.tag == u64::MAX {
        s.tag = rand::random::<u64>() & 0xF;
    }
    let now = now_ms();
    if now > s.ms {
        s.ms = now;
        s.counter = 0;
    }
    let first = (s.ms << 16) | (s.tag << 12) | s.counter;
    for _ in 0..n {
        s.counter += 1;
        if s.counter == 4096 {
            s.ms += 1;
            s.counter = 0;
        }
    }
    first as i64
}

/// The id after `id` in the same reserved block.
pub fn successor(id: i64) -> i64 {
    let id = id as u64;
    let counter = id & 0xFFF;
    if counter == 4095 { (((id >> 16) + 1) << 16 | (id & 0xF000)) as i64 } else { (id + 1) as i64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_and_blocks_match_single_ids() {
        let a = next_id();
        let first = reserve(10_000);
        assert!(first > a);
        let mut id = first;
        for _ in 1..10_000 {
            let nid = successor(id);
            assert!(nid > id);
            id = nid;
        }
        let after = next_id();
        assert!(after > id, "{after} > {id}");
        assert!((after as u64) < (1u64 << 53));
    }
}
