//! bunq's rate limits: per endpoint and method, in a sliding window of 3 seconds, GET 3,
//! POST 5, PUT 2 calls (DELETE as PUT); opening a session once per ten windows.

use axum::http::Method;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Limits {
    /// 0 turns the limits off.
    window: Duration,
    calls: Mutex<HashMap<String, VecDeque<Instant>>>,
}

pub struct Limit {
    pub calls: usize,
    pub window: Duration,
}

impl Limit {
    pub fn window_secs(&self) -> u64 {
        self.window.as_secs().max(1)
    }
}

impl Limits {
    pub fn new(window_ms: u64) -> Limits {
        Limits {
            window: Duration::from_millis(window_ms),
            calls: Mutex::new(HashMap::new()),
        }
    }

    fn limit(&self, method: &Method, endpoint: &str) -> Limit {
        if endpoint == "/v1/session-server" {
            return Limit {
                calls: 1,
                window: self.window * 10,
            };
        }
        let calls = match *method {
            Method::GET => 3,
            Method::POST => 5,
            _ => 2,
        };
        Limit {
            calls,
            window: self.window,
        }
    }

    /// `Err` with the limit when this call would exceed it.
    pub fn check(&self, method: &Method, endpoint: &str) -> Result<(), Limit> {
        if self.window.is_zero() {
            return Ok(());
        }
        let limit = self.limit(method, endpoint);
        let now = Instant::now();
        let mut calls = self.calls.lock().expect("rate limits");
        let seen = calls.entry(format!("{method} {endpoint}")).or_default();
        while seen
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.window)
        {
            seen.pop_front();
        }
        if seen.len() >= limit.calls {
            return Err(limit);
        }
        seen.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_and_endpoint_has_its_own_budget() {
        let l = Limits::new(60_000);
        for _ in 0..2 {
            assert!(l.check(&Method::PUT, "/v1/user-person/{id}").is_ok());
        }
        let refused = l.check(&Method::PUT, "/v1/user-person/{id}").unwrap_err();
        assert_eq!(refused.calls, 2);
        for _ in 0..3 {
            assert!(l.check(&Method::GET, "/v1/user-person/{id}").is_ok());
        }
        assert!(l.check(&Method::GET, "/v1/user-person/{id}").is_err());
        assert!(l.check(&Method::GET, "/v1/user").is_ok());
        assert!(l.check(&Method::POST, "/v1/session-server").is_ok());
        assert!(l.check(&Method::POST, "/v1/session-server").is_err());
        assert!(Limits::new(0).check(&Method::PUT, "/v1/x").is_ok());
    }
}
