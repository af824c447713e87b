//! A per-client request budget per second, answered with 429 and Retry-After when spent.

use std::collections::HashMap;
use std::sync::Mutex;

pub struct RateLimit {
    /// Requests a client may make in one second; 0 turns the limit off.
    pub per_second: u32,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimit {
    pub fn new(per_second: u32) -> RateLimit {
        RateLimit {
            per_second,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when `client` has spent this second's budget.
    pub fn check(&self, client: &str) -> Result<(), u64> {
        if self.per_second == 0 {
            return Ok(());
        }
        let now = jiff::Timestamp::now().as_second();
        let mut w = self.windows.lock().expect("rate limit");
        let entry = w.entry(client.to_string()).or_insert((now, 0));
        if entry.0 != now {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > self.per_second {
            Err(1)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_budget_is_per_client() {
        let r = super::RateLimit::new(2);
        let a: Vec<bool> = (0..3).map(|_| r.check("a").is_ok()).collect();
        // Three calls may straddle a second boundary; at most one more than the budget passes.
        assert!(a.iter().filter(|ok| !**ok).count() <= 1);
        assert!(r.check("b").is_ok());
        assert!(super::RateLimit::new(0).check("a").is_ok());
    }
}
