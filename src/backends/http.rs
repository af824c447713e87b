//! The one HTTP client builder: timeouts, user agent, TCP_NODELAY, request ids, and body caps.

use std::time::Duration;

/// The most a backend's answer may weigh unless its config section says (`max_body_mib`).
pub const DEFAULT_MAX_BODY: u64 = 16 << 20;
/// The most a document (a scan, in base64) may weigh unless configured (`max_document_mib`).
pub const DEFAULT_MAX_DOCUMENT: u64 = 32 << 20;

#[derive(Debug, Clone, Copy)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    /// Whole request, connect to last byte.
    pub timeout: Duration,
    /// A 429 asking to wait longer than this is not waited out: the error says how long.
    pub retry_after_cap: Duration,
    /// An answer longer than this many bytes is refused, unread past the cap.
    pub max_body: u64,
    /// The cap for an answer carrying a document's bytes.
    pub max_document: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            retry_after_cap: Duration::from_secs(30),
            max_body: DEFAULT_MAX_BODY,
            max_document: DEFAULT_MAX_DOCUMENT,
        }
    }
}

/// Which cap an answer is read under, and the config key that raises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    Body,
    Document,
}

impl Cap {
    pub fn bytes(self, settings: &HttpSettings) -> u64 {
        match self {
            Cap::Body => settings.max_body,
            Cap::Document => settings.max_document,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Cap::Body => "max_body_mib",
            Cap::Document => "max_document_mib",
        }
    }
}

/// Reads an answer's body under `cap`: a Content-Length over it is refused before a byte is
/// read; otherwise the body is read a chunk at a time and refused as soon as it passes the cap
/// (what was read is dropped, the connection closed). A server trickling bytes meets the
/// client's whole-request timeout.
pub async fn read_body(
    backend: &'static str,
    settings: HttpSettings,
    cap: Cap,
    mut response: reqwest::Response,
    request_id: &str,
) -> Result<Vec<u8>, super::BackendError> {
    let limit = cap.bytes(&settings);
    let too_large = || super::BackendError::TooLarge {
        backend,
        request_id: request_id.to_string(),
        limit_mib: limit.div_ceil(1 << 20),
        key: cap.key(),
    };
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        tracing::warn!(
            backend,
            request_id,
            declared,
            limit,
            "answer refused: too large"
        );
        return Err(too_large());
    }
    // Room for what is declared (never more than the cap), grown as bytes come.
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit).min(1 << 20) as usize);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(backend, settings, e, request_id.to_string()))?
    {
        if (body.len() + chunk.len()) as u64 > limit {
            tracing::warn!(backend, request_id, limit, "answer refused: too large");
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A page holding more items than were asked for is refused: a server that ignores the page
/// size could otherwise fill the screen and the memory with one answer.
pub fn page_fits(
    backend: &'static str,
    got: usize,
    asked: usize,
) -> Result<(), super::BackendError> {
    page_within(backend, "-", got, asked)
}

fn page_within(
    backend: &'static str,
    request_id: &str,
    got: usize,
    asked: usize,
) -> Result<(), super::BackendError> {
    if got > asked {
        tracing::warn!(
            backend,
            request_id,
            got,
            asked,
            "page refused: more items than asked"
        );
        return Err(super::BackendError::Malformed {
            backend,
            request_id: request_id.to_string(),
            detail: format!(
                "a page of {got} items where at most {asked} were asked; it was refused"
            ),
        });
    }
    Ok(())
}

/// Where a page's items are in an answer, and how many were asked for: checked on the raw
/// bytes before anything is built from them. Decoded, an answer can take many times its
/// size (100,000 tiny items in 3 MB took over 100 MB as JSON values), so a page holding
/// more than was asked is refused while it is still bytes.
#[derive(Debug, Clone, Copy)]
pub struct PageCheck {
    /// The key holding the page's list, at any depth (`nodes`, `edges`, `data`, …).
    pub key: &'static str,
    pub asked: usize,
}

impl PageCheck {
    pub fn check(
        self,
        backend: &'static str,
        request_id: &str,
        body: &[u8],
    ) -> Result<(), super::BackendError> {
        page_within(
            backend,
            request_id,
            largest_list(body, self.key),
            self.asked,
        )
    }
}

/// The length of the longest list under `key`, at any depth, in a JSON body, walked without
/// building anything (0 when there is none, or the body is not JSON: decoding says why).
pub fn largest_list(body: &[u8], key: &str) -> usize {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_slice(body);
    Walk { key, listed: false }
        .deserialize(&mut de)
        .unwrap_or(0)
}

/// One JSON value, walked: the longest list under the key within it. `listed`: this value is
/// the key's own.
struct Walk<'k> {
    key: &'k str,
    listed: bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
    type Value = usize;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Walk<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut longest = 0;
        while let Some(k) = map.next_key::<Key>()? {
            let listed = k.0 == self.key;
            longest = longest.max(map.next_value_seed(Walk {
                key: self.key,
                listed,
            })?);
        }
        Ok(longest)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let (mut items, mut longest) = (0, 0);
        while let Some(inner) = seq.next_element_seed(Walk {
            key: self.key,
            listed: false,
        })? {
            items += 1;
            longest = longest.max(inner);
        }
        Ok(if self.listed {
            longest.max(items)
        } else {
            longest
        })
    }

    fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
        Ok(0)
    }
    fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
        Ok(0)
    }
    fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
        Ok(0)
    }
    fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
        Ok(0)
    }
    fn visit_str<E>(self, _: &str) -> Result<usize, E> {
        Ok(0)
    }
    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(0)
    }
}

/// An object's key: borrowed from the body unless it holds an escape.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
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
    fn the_longest_list_under_a_key_is_counted_at_any_depth() {
        let body = br#"{"data": {"companies": {"edges": [
            {"node": {"departments": {"edges": [1, 2, 3, {"edges": [1, 2, 3, 4, 5]}]}}}
        ], "pageInfo": {}}, "nodes": [1, 2, 3, 4, 5, 6, 7], "e\u0064ges": [1, 2, 3, 4, 5, 6]}}"#;
        assert_eq!(largest_list(body, "edges"), 6, "escaped keys are read too");
        assert_eq!(largest_list(body, "nodes"), 7);
        assert_eq!(largest_list(body, "GetUsers"), 0);
        assert_eq!(largest_list(b"not json", "edges"), 0);
        let flood = format!(
            "{{\"Response\": [{}]}}",
            vec!["{\"UserPerson\": {\"id\": 1}}"; 1000].join(",")
        );
        assert_eq!(largest_list(flood.as_bytes(), "Response"), 1000);
        let e = PageCheck {
            key: "Response",
            asked: 200,
        }
        .check("bunq", "r1", flood.as_bytes())
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("a page of 1000 items where at most 200 were asked"),
            "{e}"
        );
        assert_eq!(e.request_id(), "r1");
    }

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
