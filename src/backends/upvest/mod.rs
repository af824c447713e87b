//! The Upvest Investment API client: OAuth2 client credentials (renewed before expiry), every
//! request signed (HTTP message signatures v15), and the end-user endpoints.

pub mod signature;

use super::BackendError;
use super::http::{HttpSettings, new_request_id};
use crate::core::Page;
use crate::core::investing::*;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use signature::SigningKey;
use tokio::sync::Mutex;

pub const NAME: &str = "Upvest";

/// Users asked for per page.
pub const PAGE_SIZE: usize = 100;
/// Renew the token when it has less than this left.
pub const TOKEN_MARGIN_SECS: i64 = 60;
const SCOPES: &str = "users:read users:admin checks:read taxes:read";

pub struct UpvestClient {
    base: String,
    client_id: String,
    client_secret: SecretString,
    key_id: String,
    key: SigningKey,
    http: super::http::LazyClient,
    settings: HttpSettings,
    token: Mutex<Option<(SecretString, i64)>>,
    tokens_fetched: std::sync::atomic::AtomicU32,
}

/// A problem+json body, as Upvest sends errors.
#[derive(serde::Deserialize)]
struct ProblemBody {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(serde::Deserialize)]
struct TokenBody {
    access_token: String,
    expires_in: i64,
}

#[derive(serde::Deserialize)]
struct ListBody {
    meta: ListMeta,
    data: Vec<EndUser>,
}

#[derive(serde::Deserialize)]
struct ListMeta {
    offset: usize,
    count: usize,
    total_count: usize,
}

impl UpvestClient {
    pub fn new(
        base: String,
        client_id: String,
        client_secret: SecretString,
        key_id: String,
        key: SigningKey,
        settings: HttpSettings,
    ) -> UpvestClient {
        UpvestClient {
            base: base.trim_end_matches('/').to_string(),
            client_id,
            client_secret,
            key_id,
            key,
            http: super::http::LazyClient::new(settings),
            settings,
            token: Mutex::new(None),
            tokens_fetched: Default::default(),
        }
    }

    /// Tokens fetched so far (a new one only when the last is about to expire).
    pub fn tokens_fetched(&self) -> u32 {
        self.tokens_fetched
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The path part of a URL on this API (`/upvest/users` on the sandbox).
    fn path(&self, rel: &str) -> String {
        let prefix = reqwest::Url::parse(&self.base)
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        format!("{prefix}{rel}")
    }

    /// One signed request. `token`: `None` for the token request itself.
    async fn send(
        &self,
        method: reqwest::Method,
        rel: &str,
        query: &str,
        body: Option<(Vec<u8>, &str)>,
        idempotency_key: Option<&str>,
        token: Option<&SecretString>,
    ) -> Result<(reqwest::StatusCode, Vec<u8>, String), BackendError> {
        let request_id = new_request_id();
        let mut headers: Vec<(&str, String)> = vec![("accept", "application/json".into())];
        if let Some(t) = token {
            headers.push(("authorization", format!("Bearer {}", t.expose_secret())));
        }
        if let Some((b, content_type)) = &body {
            headers.push(("content-length", b.len().to_string()));
            headers.push(("content-type", content_type.to_string()));
            headers.push(("content-digest", signature::content_digest(b)));
        }
        if let Some(k) = idempotency_key {
            headers.push(("idempotency-key", k.to_string()));
        }
        headers.push(("upvest-client-id", self.client_id.clone()));
        let path = self.path(rel);
        let get = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.clone())
        };
        let (input, sig) = signature::sign(
            &signature::Request {
                method: method.as_str(),
                path: &path,
                query,
                header: &get,
            },
            &self.key,
            &self.key_id,
            jiff::Timestamp::now().as_second(),
        );
        let url = format!("{}{rel}{query}", self.base);
        let mut req = self
            .http
            .get()
            .request(method, url)
            .header("signature-input", input)
            .header("signature", sig)
            .header("upvest-api-version", "1")
            .header("upvest-signature-version", "15")
            .header(super::http::REQUEST_ID_HEADER, &request_id);
        for (k, v) in &headers {
            req = req.header(*k, v);
        }
        if let Some((b, _)) = body {
            req = req.body(b);
        }
        let resp = req.send().await.map_err(|e| {
            super::http::transport_error(NAME, self.settings, e, request_id.clone())
        })?;
        let status = resp.status();
        let rid = resp
            .headers()
            .get("upvest-request-id")
            .and_then(|v| v.to_str().ok())
            .map(String::from)
            .unwrap_or(request_id);
        let retry = super::graphql::retry_after(resp.headers());
        let bytes =
            super::http::read_body(NAME, self.settings, super::http::Cap::Body, resp, &rid).await?;
        tracing::debug!(backend = NAME, status = status.as_u16(), request_id = %rid, "upvest");
        if status.is_success() {
            return Ok((status, bytes, rid));
        }
        Err(error(status, &bytes, rid, retry))
    }

    async fn token(&self, fresh: bool) -> Result<SecretString, BackendError> {
        let mut t = self.token.lock().await;
        let now = jiff::Timestamp::now().as_second();
        if !fresh
            && let Some((tok, exp)) = t.as_ref()
            && *exp - TOKEN_MARGIN_SECS > now
        {
            return Ok(tok.clone());
        }
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("client_secret", self.client_secret.expose_secret())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", SCOPES)
            .finish();
        let (_, bytes, rid) = self
            .send(
                reqwest::Method::POST,
                "/auth/token",
                "",
                Some((form.into_bytes(), "application/x-www-form-urlencoded")),
                None,
                None,
            )
            .await?;
        let body: TokenBody = decode(&bytes, &rid)?;
        self.tokens_fetched
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tok = SecretString::from(body.access_token);
        *t = Some((tok.clone(), now + body.expires_in));
        Ok(tok)
    }

    /// A call with the token, renewed once after a 401; throttled and broken calls are
    /// resent (the same idempotency key for a POST), a few times, waiting as asked.
    async fn call(
        &self,
        method: reqwest::Method,
        rel: &str,
        query: &str,
        body: Option<Vec<u8>>,
        idempotency_key: Option<&str>,
    ) -> Result<(reqwest::StatusCode, Vec<u8>, String), BackendError> {
        use backon::Retryable;
        let attempt = || async {
            let token = self.token(false).await?;
            let send = |t: SecretString| {
                let body = body.clone().map(|b| (b, "application/json"));
                let method = method.clone();
                async move {
                    self.send(method, rel, query, body, idempotency_key, Some(&t))
                        .await
                }
            };
            match send(token).await {
                Err(BackendError::Unauthorized { .. }) => send(self.token(true).await?).await,
                other => other,
            }
        };
        // Reads, and writes with an idempotency key, are safe to resend.
        let safe = method == reqwest::Method::GET
            || method == reqwest::Method::DELETE
            || idempotency_key.is_some();
        let resend = super::http::Resend::default();
        attempt
            .retry(super::http::backoff(if safe { 4 } else { 0 }))
            .when(|e| resend.worth_it(e))
            .adjust(|e, backoff| super::http::retry_wait(e, backoff, self.settings.retry_after_cap))
            .await
    }

    async fn get<T: DeserializeOwned>(&self, rel: &str, query: &str) -> Result<T, BackendError> {
        let (_, bytes, rid) = self
            .call(reqwest::Method::GET, rel, query, None, None)
            .await?;
        decode(&bytes, &rid)
    }

    /// A GET of one page: refused, before it is decoded, when its `data` holds more than
    /// `asked` items.
    async fn get_page<T: DeserializeOwned>(
        &self,
        rel: &str,
        query: &str,
        asked: usize,
    ) -> Result<T, BackendError> {
        let (_, bytes, rid) = self
            .call(reqwest::Method::GET, rel, query, None, None)
            .await?;
        let page = super::http::PageCheck { key: "data", asked };
        page.check(NAME, &rid, &bytes)?;
        decode(&bytes, &rid)
    }

    pub async fn users(&self, offset: usize) -> Result<Page<EndUser>, BackendError> {
        let q = format!("?offset={offset}&limit={PAGE_SIZE}&sort=created_at&order=ASC");
        let list: ListBody = self.get_page("/users", &q, PAGE_SIZE).await?;
        super::http::page_fits(NAME, list.data.len(), PAGE_SIZE)?;
        let next = list.meta.offset + list.meta.count;
        Ok(Page {
            items: list.data,
            total: list.meta.total_count,
            next_cursor: (next < list.meta.total_count).then(|| next.to_string()),
        })
    }

    pub async fn user(&self, id: &str) -> Result<EndUser, BackendError> {
        self.get(&format!("/users/{id}"), "").await
    }

    pub async fn checks(&self, id: &str) -> Result<Vec<EndUserCheck>, BackendError> {
        #[derive(serde::Deserialize)]
        struct Checks {
            data: Vec<EndUserCheck>,
        }
        Ok(self
            .get::<Checks>(&format!("/users/{id}/checks"), "")
            .await?
            .data)
    }

    pub async fn tax_residencies(&self, id: &str) -> Result<Vec<TaxResidency>, BackendError> {
        #[derive(serde::Deserialize)]
        struct Record {
            tax_residencies: Vec<TaxResidency>,
        }
        Ok(self
            .get::<Record>(&format!("/users/{id}/tax_residencies"), "")
            .await?
            .tax_residencies)
    }

    /// Creates a user; `idempotency_key` makes a resend return the first result.
    pub async fn create(
        &self,
        user: &NewEndUser,
        idempotency_key: &str,
    ) -> Result<EndUser, BackendError> {
        let body = serde_json::to_vec(user).expect("a user serializes");
        let (_, bytes, rid) = self
            .call(
                reqwest::Method::POST,
                "/users",
                "",
                Some(body),
                Some(idempotency_key),
            )
            .await?;
        decode(&bytes, &rid)
    }

    /// Starts offboarding (accepted: the user goes OFFBOARDING, then OFFBOARDED).
    pub async fn offboard(&self, id: &str) -> Result<(), BackendError> {
        self.call(
            reqwest::Method::DELETE,
            &format!("/users/{id}"),
            "",
            None,
            None,
        )
        .await
        .map(|_| ())
    }

    /// Asks for a change of the user's data (accepted, applied asynchronously).
    pub async fn request_change(
        &self,
        id: &str,
        change: &serde_json::Value,
        idempotency_key: &str,
    ) -> Result<(), BackendError> {
        let body = serde_json::to_vec(change).expect("JSON serializes");
        self.call(
            reqwest::Method::POST,
            &format!("/users/{id}/data_change_requests"),
            "",
            Some(body),
            Some(idempotency_key),
        )
        .await
        .map(|_| ())
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8], rid: &str) -> Result<T, BackendError> {
    serde_json::from_slice(bytes).map_err(|e| BackendError::Malformed {
        backend: NAME,
        request_id: rid.to_string(),
        detail: super::graphql::decode_detail(&e),
    })
}

/// An error answer, from its problem+json body.
fn error(
    status: reqwest::StatusCode,
    bytes: &[u8],
    request_id: String,
    retry_after: Option<std::time::Duration>,
) -> BackendError {
    let problem: Option<ProblemBody> = serde_json::from_slice(bytes).ok();
    let slug = problem
        .as_ref()
        .map(|p| p.kind.rsplit('/').next().unwrap_or_default().to_string())
        .unwrap_or_default();
    let detail = problem
        .as_ref()
        .and_then(|p| p.detail.clone().or(p.title.clone()))
        .map(|d| BackendError::server_message(&d))
        .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
    match status.as_u16() {
        // Sent with a fresh token already: the client id, secret or key is what is wrong.
        401 => BackendError::Unauthorized {
            backend: NAME,
            request_id,
            detail: BackendError::advise(
                &detail,
                "Check the profile's client id, secret and signing key, then restart",
            ),
        },
        429 => BackendError::Throttled {
            backend: NAME,
            request_id,
            retry_after,
        },
        400..=499 => BackendError::Rejected {
            backend: NAME,
            request_id,
            messages: vec![detail],
            code: Some(slug).filter(|s| !s.is_empty()),
        },
        s => BackendError::Http {
            backend: NAME,
            request_id,
            status: s,
        },
    }
}

impl super::EndUsers for UpvestClient {
    fn end_users(&self, offset: usize) -> super::BoxFut<'_, Page<EndUser>> {
        Box::pin(self.users(offset))
    }

    fn end_user(&self, id: String) -> super::BoxFut<'_, EndUserDetail> {
        Box::pin(async move {
            let (user, checks, tax_residencies) =
                tokio::try_join!(self.user(&id), self.checks(&id), self.tax_residencies(&id))?;
            Ok(EndUserDetail {
                user,
                checks,
                tax_residencies,
            })
        })
    }

    fn change_end_user(&self, change: EndUserChange) -> super::BoxFut<'_, Option<EndUser>> {
        Box::pin(async move {
            match change {
                EndUserChange::Create {
                    user,
                    idempotency_key,
                } => self.create(&user, &idempotency_key).await.map(Some),
                EndUserChange::Offboard { id } => {
                    self.offboard(&id).await?;
                    self.user(&id).await.map(Some)
                }
                EndUserChange::RequestChange {
                    id,
                    fields,
                    idempotency_key,
                } => {
                    self.request_change(&id, &serde_json::Value::Object(fields), &idempotency_key)
                        .await?;
                    Ok(None)
                }
            }
        })
    }
}
