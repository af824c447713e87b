//! GraphQL over HTTP POST: bearer auth, HTTP and GraphQL errors mapped to [`BackendError`].

use super::http::{Cap, HttpSettings, LazyClient, PageCheck, REQUEST_ID_HEADER, new_request_id};
use super::{BackendError, BoxFut};
use secrecy::{ExposeSecret, SecretString};
use serde::{Serialize, de::DeserializeOwned};
use std::sync::Arc;
use std::time::Instant;

/// Where a client's bearer token comes from.
pub trait TokenSource: Send + Sync {
    /// The token to send now (logging in or refreshing first when needed); `None` sends no
    /// Authorization header.
    fn token(&self) -> BoxFut<'_, Option<SecretString>>;
    /// After a 401: renew the token if this source can. `true` when one resend is worth it.
    fn renew(&self) -> BoxFut<'_, bool>;
}

/// A fixed token (Unioo's bearer JWT), or none.
pub struct StaticToken(pub Option<SecretString>);

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFut<'_, Option<SecretString>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
    fn renew(&self) -> BoxFut<'_, bool> {
        Box::pin(async { Ok(false) })
    }
}

pub struct GraphqlClient {
    backend: &'static str,
    url: reqwest::Url,
    auth: Arc<dyn TokenSource>,
    http: LazyClient,
    settings: HttpSettings,
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(serde::Deserialize)]
struct ErrorItem {
    message: String,
}

impl GraphqlClient {
    pub fn new(
        backend: &'static str,
        url: reqwest::Url,
        token: SecretString,
        settings: HttpSettings,
    ) -> Self {
        Self::with_auth(backend, url, Arc::new(StaticToken(Some(token))), settings)
    }

    pub fn with_auth(
        backend: &'static str,
        url: reqwest::Url,
        auth: Arc<dyn TokenSource>,
        settings: HttpSettings,
    ) -> Self {
        GraphqlClient {
            backend,
            url,
            auth,
            http: LazyClient::new(settings),
            settings,
        }
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// One attempt, plus one resend when a 401 made the token source renew its token.
    async fn authorized<Q: DeserializeOwned + 'static>(
        &self,
        name: &str,
        request_id: &str,
        body: &[u8],
        cap: Cap,
        page: Option<PageCheck>,
    ) -> Result<Q, BackendError> {
        match self
            .send_once::<Q>(name, request_id, body.to_vec(), cap, page)
            .await
        {
            Err(BackendError::Unauthorized { .. }) if self.auth.renew().await? => {
                self.send_once::<Q>(name, request_id, body.to_vec(), cap, page)
                    .await
            }
            // A fixed token cannot renew itself: say what to do.
            Err(BackendError::Unauthorized {
                backend,
                request_id,
                detail,
            }) => Err(BackendError::Unauthorized {
                backend,
                request_id,
                detail: BackendError::advise(&detail, "Get a new token and restart"),
            }),
            other => other,
        }
    }

    /// Runs one operation, resending the same bytes after a transient failure (connection
    /// refused or broken, timeout, 502-504) with jittered, capped backoff.
    ///
    /// Only idempotent operations may come here: queries, and mutations that carry an
    /// idempotency key (a resend then returns the first result instead of acting twice).
    /// Partial data with `errors` counts as a failure: a compliance view must not show half a
    /// person as if it were whole.
    pub async fn run<Q, V>(&self, op: cynic::Operation<Q, V>) -> Result<Q, BackendError>
    where
        Q: DeserializeOwned + 'static,
        V: Serialize,
    {
        self.run_capped(op, Cap::Body, None).await
    }

    /// As [`run`](Self::run), for one page of a list: refused, before it is decoded, when
    /// the list under `page.key` holds more than `page.asked` items.
    pub async fn run_page<Q, V>(
        &self,
        op: cynic::Operation<Q, V>,
        page: PageCheck,
    ) -> Result<Q, BackendError>
    where
        Q: DeserializeOwned + 'static,
        V: Serialize,
    {
        self.run_capped(op, Cap::Body, Some(page)).await
    }

    /// As [`run`](Self::run), for an answer that carries a document's bytes: read under the
    /// document cap instead of the body cap.
    pub async fn run_document<Q, V>(&self, op: cynic::Operation<Q, V>) -> Result<Q, BackendError>
    where
        Q: DeserializeOwned + 'static,
        V: Serialize,
    {
        self.run_capped(op, Cap::Document, None).await
    }

    async fn run_capped<Q, V>(
        &self,
        op: cynic::Operation<Q, V>,
        cap: Cap,
        page: Option<PageCheck>,
    ) -> Result<Q, BackendError>
    where
        Q: DeserializeOwned + 'static,
        V: Serialize,
    {
        use backon::Retryable;
        let name = op.operation_name.clone().unwrap_or_default();
        let body = serde_json::to_vec(&op).expect("operations serialize");
        let request_id = new_request_id();
        let attempt = || self.authorized::<Q>(&name, &request_id, &body, cap, page);
        let resend = super::http::Resend::default();
        attempt
            .retry(super::http::backoff(3))
            .when(|e| resend.worth_it(e))
            // A 429 says how long to wait: honour it, up to a cap.
            .adjust(|e, backoff| super::http::retry_wait(e, backoff, self.settings.retry_after_cap))
            .notify(|e, wait| {
                tracing::warn!(backend = self.backend, operation = %name, request_id = %request_id, retry_in_ms = wait.as_millis() as u64, error = e.kind(), "retrying")
            })
            .await
    }

    /// Runs an operation that is not safe to resend (a mutation without an idempotency key):
    /// one attempt, whatever happens.
    pub async fn run_once<Q, V>(&self, op: cynic::Operation<Q, V>) -> Result<Q, BackendError>
    where
        Q: DeserializeOwned + 'static,
        V: Serialize,
    {
        let name = op.operation_name.clone().unwrap_or_default();
        let body = serde_json::to_vec(&op).expect("operations serialize");
        self.authorized::<Q>(&name, &new_request_id(), &body, Cap::Body, None)
            .await
    }

    async fn send_once<Q: DeserializeOwned + 'static>(
        &self,
        name: &str,
        request_id: &str,
        body: Vec<u8>,
        cap: Cap,
        page: Option<PageCheck>,
    ) -> Result<Q, BackendError> {
        let request_id = request_id.to_string();
        let started = Instant::now();
        let backend = self.backend;
        let mut request = self.http.get().post(self.url.clone());
        if let Some(token) = self.auth.token().await? {
            request = request.bearer_auth(token.expose_secret());
        }
        let sent = request
            .header(REQUEST_ID_HEADER, &request_id)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => return Err(self.transport_error(e, request_id)),
        };
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let body =
            super::http::read_body(backend, self.settings, cap, response, &request_id).await?;
        tracing::info!(
            backend,
            operation = %name,
            request_id = %request_id,
            status = status.as_u16(),
            bytes = body.len(),
            ms = started.elapsed().as_millis() as u64,
            "graphql"
        );
        if status == reqwest::StatusCode::UNAUTHORIZED {
            let detail = serde_json::from_slice::<ErrorBody>(&body)
                .ok()
                .and_then(|b| b.errors.into_iter().next())
                .map(|e| BackendError::server_message(&e.message))
                .unwrap_or_else(|| "HTTP 401".into());
            return Err(BackendError::Unauthorized {
                backend,
                request_id,
                detail,
            });
        }
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(BackendError::Throttled {
                backend,
                request_id,
                retry_after,
            });
        }
        if !status.is_success() {
            return Err(BackendError::Http {
                backend,
                request_id,
                status: status.as_u16(),
            });
        }
        if let Some(page) = page {
            page.check(backend, &request_id, &body)?;
        }
        let parsed: cynic::GraphQlResponse<Q, serde_json::Value> = serde_json::from_slice(&body)
            .map_err(|e| BackendError::Malformed {
                backend,
                request_id: request_id.clone(),
                detail: decode_detail(&e),
            })?;
        if let Some(errors) = parsed.errors.filter(|e| !e.is_empty()) {
            let code = errors.iter().find_map(|e| {
                e.extensions
                    .as_ref()?
                    .get("code")?
                    .as_str()
                    .map(str::to_string)
            });
            let messages = errors
                .iter()
                .map(|e| BackendError::server_message(&e.message))
                .collect();
            return Err(BackendError::Rejected {
                backend,
                request_id,
                messages,
                code,
            });
        }
        parsed.data.ok_or(BackendError::Malformed {
            backend,
            request_id,
            detail: "no data and no errors".into(),
        })
    }

    fn transport_error(&self, e: reqwest::Error, request_id: String) -> BackendError {
        super::http::transport_error(self.backend, self.settings, e, request_id)
    }
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<std::time::Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(std::time::Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let wait = when.duration_since(jiff::Timestamp::now());
    Some(std::time::Duration::from_secs(wait.as_secs().max(0) as u64))
}

/// Says where decoding failed without quoting the body (it may hold personal data).
pub(crate) fn decode_detail(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => {
            format!(
                "unexpected shape at line {} column {}",
                e.line(),
                e.column()
            )
        }
        _ => format!("not valid JSON at line {} column {}", e.line(), e.column()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(std::time::Duration::from_secs(7)));
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(120);
        let date = jiff::fmt::rfc2822::to_string(&later.to_zoned(jiff::tz::TimeZone::UTC)).unwrap();
        h.insert(reqwest::header::RETRY_AFTER, date.parse().unwrap());
        let wait = retry_after(&h).unwrap().as_secs();
        assert!((115..=120).contains(&wait), "{wait}");
        h.insert(reqwest::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
