//! The one HTTP client builder: timeouts, user agent, TCP_NODELAY, and request ids.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    /// Whole request, connect to last byte.
    pub timeout: Duration,
    /// A 429 asking to wait longer than this is not waited out: the error says how long.
    pub retry_after_cap: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            retry_after_cap: Duration::from_secs(30),
        }
    }
}

pub const USER_AGENT: &str = concat!("backoffice/", env!("CARGO_PKG_VERSION"));

/// The header our request id travels in, so a backend's logs can be matched to ours.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A client for these settings, built once per process and shared (a clone shares the
/// connection pool): building one reads and parses the system's root certificates, which
/// takes milliseconds.
pub fn client(settings: HttpSettings) -> reqwest::Client {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static BUILT: OnceLock<Mutex<HashMap<(Duration, Duration), reqwest::Client>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    built
        .entry((settings.connect_timeout, settings.timeout))
        .or_insert_with(|| build(settings))
        .clone()
}

/// A backend's HTTP client, built on its first request rather than when the backend is set
/// up, so the console's first frame does not wait for the root certificates.
#[derive(Debug)]
pub struct LazyClient {
    settings: HttpSettings,
    client: std::sync::OnceLock<reqwest::Client>,
}

impl LazyClient {
    pub fn new(settings: HttpSettings) -> LazyClient {
        LazyClient {
            settings,
            client: std::sync::OnceLock::new(),
        }
    }

    pub fn get(&self) -> &reqwest::Client {
        self.client.get_or_init(|| client(self.settings))
    }
}

fn build(settings: HttpSettings) -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .expect("the HTTP client configuration is valid")
}

/// The wait before resending after `e`: a 429's Retry-After up to `cap` (longer: `None`,
/// give up and say so), else the backoff's own delay.
pub fn retry_wait(
    e: &super::BackendError,
    backoff: Option<Duration>,
    cap: Duration,
) -> Option<Duration> {
    match e {
        super::BackendError::Throttled {
            retry_after: Some(d),
            ..
        } if *d > cap => None,
        super::BackendError::Throttled {
            retry_after: Some(d),
            ..
        } => backoff.map(|_| *d),
        _ => backoff,
    }
}

/// Resends with jittered exponential backoff, 200 ms up to 2 s, at most `times` times.
pub fn backoff(times: usize) -> backon::ExponentialBuilder {
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(2))
        .with_max_times(times)
        .with_jitter()
}

/// Which failures of one request are resent: transient ones, but a whole-request timeout only
/// once, so a hung backend fails in about twice its timeout, not once per resend.
#[derive(Default)]
pub struct Resend {
    timeouts: std::sync::atomic::AtomicU32,
}

impl Resend {
    pub fn worth_it(&self, e: &super::BackendError) -> bool {
        let timed_out_before = matches!(e, super::BackendError::Timeout { .. })
            && self
                .timeouts
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                >= 1;
        e.is_transient() && !timed_out_before
    }
}

/// A short random id for one request: short enough to read out over the phone.
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

/// A request that got no answer, worded by what went wrong.
pub fn transport_error(
    backend: &'static str,
    settings: HttpSettings,
    e: reqwest::Error,
    request_id: String,
) -> super::BackendError {
    use super::BackendError;
    if e.is_timeout() {
        let secs = if e.is_connect() {
            settings.connect_timeout
        } else {
            settings.timeout
        };
        BackendError::Timeout {
            backend,
            request_id,
            secs: secs.as_secs(),
        }
    } else if e.is_connect() {
        BackendError::Unreachable {
            backend,
            request_id,
            detail: "connection refused or no route".into(),
        }
    } else {
        BackendError::Unreachable {
            backend,
            request_id,
            detail: "the connection broke".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::BackendError;

    #[test]
    fn a_timeout_is_resent_once_other_transient_failures_each_time() {
        let timeout = BackendError::Timeout {
            backend: "Upvest",
            request_id: "r".into(),
            secs: 3,
        };
        let down = BackendError::Unreachable {
            backend: "Upvest",
            request_id: "r".into(),
            detail: "refused".into(),
        };
        let refused = BackendError::Rejected {
            backend: "Upvest",
            request_id: "r".into(),
            messages: vec!["bad".into()],
            code: None,
        };
        let resend = Resend::default();
        assert!(resend.worth_it(&down));
        assert!(resend.worth_it(&timeout));
        assert!(!resend.worth_it(&timeout), "a second timeout gives up");
        assert!(resend.worth_it(&down));
        assert!(!resend.worth_it(&refused));
    }
}
