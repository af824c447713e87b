//! Injected faults, off by default. Tests arm them to show the client survives a bad network:
//! a response lost after the change was committed, or one that stalls past the client's timeout.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

#[derive(Default, Debug)]
pub struct Faults {
    /// Drop the connection after committing this many of the next mutations.
    drop_after_commit: AtomicU32,
    /// Hold the answer to the next mutation this long after committing it (milliseconds).
    stall_after_commit_ms: AtomicU64,
}

impl Faults {
    pub fn drop_next_responses_after_commit(&self, n: u32) {
        self.drop_after_commit.store(n, Ordering::SeqCst);
    }

    pub fn stall_next_response_after_commit(&self, ms: u64) {
        self.stall_after_commit_ms.store(ms, Ordering::SeqCst);
    }

    /// Whether the response to a just-committed mutation is to be lost.
    pub fn take_drop(&self) -> bool {
        self.drop_after_commit
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    pub fn take_stall(&self) -> Option<std::time::Duration> {
        let ms = self.stall_after_commit_ms.swap(0, Ordering::SeqCst);
        (ms > 0).then(|| std::time::Duration::from_millis(ms))
    }
}
