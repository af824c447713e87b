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

pub fn client(settings: HttpSettings) -> reqwest::Client {
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
