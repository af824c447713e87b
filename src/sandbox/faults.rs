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

/// Faults a whole API can be set to misbehave with: off by default, set by `--fault` flags or
/// by tests. `every` makes it happen on that share of requests; `times` on the next few only.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer this many milliseconds late (every request; combines with the others).
    Latency(u64),
    /// 500 before the handler runs: nothing committed.
    ServerError,
    /// 429 with this Retry-After.
    Throttle(RetryAfter),
    /// The connection breaks before the handler runs: nothing committed.
    DropBeforeCommit,
    /// The handler runs (the change is committed), then the connection breaks mid-answer.
    DropAfterCommit,
    /// The answer's body is cut in half.
    Truncated,
    /// The answer's body is not JSON.
    Malformed,
    /// The request is accepted and never answered.
    Hang,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RetryAfter {
    Seconds(u64),
    /// An HTTP date this many seconds ahead.
    Date(u64),
    Garbage,
}

impl std::str::FromStr for Fault {
    type Err = String;
    /// `latency=800`, `500`, `429`, `429=5`, `429=date:5`, `429=garbage`, `drop-before`,
    /// `drop-after`, `truncated`, `malformed`, `hang`.
    fn from_str(s: &str) -> Result<Fault, String> {
        let (kind, value) = s.split_once('=').unwrap_or((s, ""));
        Ok(match (kind, value) {
            ("latency", ms) => Fault::Latency(
                ms.parse()
                    .map_err(|_| format!("latency={ms:?}: give milliseconds"))?,
            ),
            ("500", "") => Fault::ServerError,
            ("429", "") => Fault::Throttle(RetryAfter::Seconds(1)),
            ("429", "garbage") => Fault::Throttle(RetryAfter::Garbage),
            ("429", v) => {
                match v.strip_prefix("date:") {
                    Some(d) => Fault::Throttle(RetryAfter::Date(
                        d.parse()
                            .map_err(|_| format!("429=date:{d:?}: give seconds"))?,
                    )),
                    None => Fault::Throttle(RetryAfter::Seconds(v.parse().map_err(|_| {
                        format!("429={v:?}: give seconds, date:SECONDS or garbage")
                    })?)),
                }
            }
            ("drop-before", "") => Fault::DropBeforeCommit,
            ("drop-after", "") => Fault::DropAfterCommit,
            ("truncated", "") => Fault::Truncated,
            ("malformed", "") => Fault::Malformed,
            ("hang", "") => Fault::Hang,
            _ => {
                return Err(format!(
                    "{s:?} is not a fault: latency=MS, 500, 429[=SECONDS|date:SECONDS|garbage], drop-before, drop-after, truncated, malformed, hang"
                ));
            }
        })
    }
}

/// One API's faults, changeable while the sandbox runs.
#[derive(Debug, Default)]
pub struct Switch {
    latency_ms: AtomicU64,
    /// The fault, the share of requests it hits (0 to 1), and how many more times (None:
    /// without end).
    armed: std::sync::Mutex<Option<(Fault, f64, Option<u32>)>>,
}

impl Switch {
    /// Sets `fault` on a `share` of requests, for `times` of them (None: until cleared).
    pub fn arm(&self, fault: Fault, share: f64, times: Option<u32>) {
        if let Fault::Latency(ms) = fault {
            self.latency_ms.store(ms, Ordering::SeqCst);
            return;
        }
        *self.armed.lock().expect("faults") = Some((fault, share, times));
    }

    pub fn clear(&self) {
        self.latency_ms.store(0, Ordering::SeqCst);
        *self.armed.lock().expect("faults") = None;
    }

    /// The fault for this request, if one hits it.
    fn draw(&self) -> Option<Fault> {
        let mut armed = self.armed.lock().expect("faults");
        let (fault, share, times) = armed.as_mut()?;
        if *times == Some(0) || fastrand::f64() >= *share {
            return None;
        }
        if let Some(n) = times {
            *n -= 1;
        }
        Some(fault.clone())
    }
}

/// Faults per API, by the name used in flags (`unioo`, `healthmov`, `vasco`, `upvest`, `bunq`).
#[derive(Debug, Default)]
pub struct ApiFaults {
    pub unioo: Switch,
    pub healthmov: Switch,
    pub vasco: Switch,
    pub upvest: Switch,
    pub bunq: Switch,
}

impl ApiFaults {
    pub fn get(&self, api: &str) -> Option<&Switch> {
        Some(match api {
            "unioo" => &self.unioo,
            "healthmov" => &self.healthmov,
            "vasco" => &self.vasco,
            "upvest" => &self.upvest,
            "bunq" => &self.bunq,
            _ => return None,
        })
    }

    /// `API:FAULT[@SHARE]`, as `--fault` takes it: `bunq:500@0.3`, `unioo:latency=800`.
    pub fn set(&self, spec: &str) -> Result<(), String> {
        let (api, rest) = spec
            .split_once(':')
            .ok_or_else(|| format!("{spec:?}: write API:FAULT, e.g. bunq:500@0.3"))?;
        let switch = self.get(api).ok_or_else(|| {
            format!("{api:?} is not an API: unioo, healthmov, vasco, upvest, bunq")
        })?;
        let (fault, share) = match rest.split_once('@') {
            Some((f, s)) => (
                f,
                s.parse::<f64>()
                    .ok()
                    .filter(|x| (0.0..=1.0).contains(x))
                    .ok_or_else(|| format!("@{s}: a share is 0 to 1"))?,
            ),
            None => (rest, 1.0),
        };
        switch.arm(fault.parse()?, share, None);
        Ok(())
    }
}

fn broken_body() -> axum::body::Body {
    axum::body::Body::from_stream(futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected fault",
        ))
    }))
}

/// The middleware: latency, then the fault drawn for this request, if any.
pub async fn inject(
    axum::extract::State(switch): axum::extract::State<std::sync::Arc<ApiFaults>>,
    axum::extract::Extension(api): axum::extract::Extension<&'static str>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let Some(s) = switch.get(api) else {
        return next.run(req).await;
    };
    let latency = s.latency_ms.load(Ordering::SeqCst);
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    let Some(fault) = s.draw() else {
        return next.run(req).await;
    };
    tracing::info!(api, fault = ?fault, "sandbox fault injected");
    match fault {
        // Never drawn: `arm` keeps latency apart, as it combines with the other faults.
        Fault::Latency(_) => next.run(req).await,
        Fault::ServerError => (StatusCode::INTERNAL_SERVER_ERROR, "injected fault").into_response(),
        Fault::Throttle(form) => {
            let value = match form {
                RetryAfter::Seconds(n) => n.to_string(),
                RetryAfter::Date(n) => {
                    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(n as i64);
                    jiff::fmt::rfc2822::DateTimePrinter::new()
                        .timestamp_to_rfc9110_string(&at)
                        .unwrap_or_default()
                }
                RetryAfter::Garbage => "soon-ish".into(),
            };
            let mut r = (StatusCode::TOO_MANY_REQUESTS, "injected fault").into_response();
            if let Ok(v) = HeaderValue::from_str(&value) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Fault::DropBeforeCommit => axum::response::Response::new(broken_body()),
        Fault::DropAfterCommit => {
            let (parts, _) = next.run(req).await.into_parts();
            axum::response::Response::from_parts(parts, broken_body())
        }
        Fault::Truncated | Fault::Malformed => {
            let (mut parts, body) = next.run(req).await.into_parts();
            let bytes = axum::body::to_bytes(body, 16 << 20)
                .await
                .unwrap_or_default();
            let out = if fault == Fault::Truncated {
                bytes.slice(..bytes.len() / 2)
            } else {
                axum::body::Bytes::from_static(b"{\"data\": [oops")
            };
            parts.headers.remove(header::CONTENT_LENGTH);
            axum::response::Response::from_parts(parts, axum::body::Body::from(out))
        }
        Fault::Hang => {
            std::future::pending::<()>().await;
            unreachable!("a pending future never completes")
        }
    }
}
