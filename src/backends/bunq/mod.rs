//! The bunq public API client: installation, device and session (kept in the state
//! directory and reused across runs), every request with a body signed, every answer's
//! server signature checked before it is read, a session reopened when it has expired, and
//! 429s waited out.

pub mod signing;
pub mod state;

use super::BackendError;
use super::http::{HttpSettings, new_request_id};
use crate::core::Page;
use crate::core::banking::{BankUser, BankUserUpdate};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use state::{InstallationState, Saved, SessionState};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;

pub const NAME: &str = "bunq";
/// Users asked for per page (bunq's maximum).
pub const PAGE_SIZE: usize = 200;
/// Reopen a session this long before bunq would end it.
const SESSION_MARGIN_SECS: i64 = 30;
/// bunq's rate-limit window: wait this long after a 429 that names no wait.
const RATE_WINDOW: Duration = Duration::from_secs(3);
/// Tries after a 429 before giving up.
const THROTTLE_TRIES: u32 = 4;
/// Resends after a broken connection or a timeout.
const TRANSPORT_TRIES: u64 = 2;

pub struct BunqClient {
    /// Ends in `/v1`.
    base: String,
    api_key: SecretString,
    http: super::http::LazyClient,
    settings: HttpSettings,
    state_path: Option<PathBuf>,
    state: Mutex<Live>,
    sessions_opened: AtomicU32,
    throttled: AtomicU32,
}

/// One answer: its status, body and request id, the signature already checked.
struct Answer {
    status: reqwest::StatusCode,
    body: Vec<u8>,
    request_id: String,
}

impl BunqClient {
    /// `state_path`: where installation and session are kept (`None`: only in memory).
    pub fn new(
        base: String,
        api_key: SecretString,
        state_path: Option<PathBuf>,
        settings: HttpSettings,
    ) -> BunqClient {
        let base = base.trim_end_matches('/').to_string();
        let saved = Saved::load(
            state_path.as_deref(),
            &base,
            &state::key_hash(api_key.expose_secret()),
        );
        BunqClient {
            base,
            api_key,
            http: super::http::LazyClient::new(settings),
            settings,
            state_path,
            state: Mutex::new(Live { saved, keys: None }),
            sessions_opened: AtomicU32::new(0),
            throttled: AtomicU32::new(0),
        }
    }

    /// Sessions this client opened (not reused from the state file).
    pub fn sessions_opened(&self) -> u32 {
        self.sessions_opened.load(Ordering::Relaxed)
    }

    /// 429 answers waited out so far.
    pub fn throttled(&self) -> u32 {
        self.throttled.load(Ordering::Relaxed)
    }

    fn save(&self, s: &Saved) {
        if let Some(p) = &self.state_path
            && let Err(e) = s.save(p)
        {
            tracing::warn!(backend = NAME, error = %e, "cannot save the bunq session state");
        }
    }

    /// One request; the answer's server signature is checked when `server_key` is given.
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
        token: Option<&str>,
        key: Option<&signing::PrivateKey>,
        server_key: Option<&signing::PublicKey>,
    ) -> Result<Answer, BackendError> {
        let request_id = new_request_id();
        let mut req = self
            .http
            .get()
            .request(method, format!("{}{path}", self.base))
            .header("cache-control", "no-cache")
            .header("x-bunq-client-request-id", &request_id)
            .header("x-bunq-geolocation", "0 0 0 0 000")
            .header("x-bunq-language", "en_US")
            .header("x-bunq-region", "nl_NL");
        if let Some(t) = token {
            req = req.header("x-bunq-client-authentication", t);
        }
        let body = body.unwrap_or_default();
        if let Some(k) = key {
            req = req.header("x-bunq-client-signature", signing::sign(k, &body));
        }
        if !body.is_empty() {
            req = req.header("content-type", "application/json").body(body);
        }
        let resp = req.send().await.map_err(|e| {
            super::http::transport_error(NAME, self.settings, e, request_id.clone())
        })?;
        let status = resp.status();
        let signature = resp
            .headers()
            .get("x-bunq-server-signature")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let retry_after = super::graphql::retry_after(resp.headers());
        let body = super::http::read_body(
            NAME,
            self.settings,
            super::http::Cap::Body,
            resp,
            &request_id,
        )
        .await?;
        if let Some(server) = server_key
            && let Err(e) = signing::verify(server, &body, signature.as_deref())
        {
            tracing::warn!(backend = NAME, request_id = %request_id, status = status.as_u16(), error = %e, "server signature refused");
            // A failure is told by its status (a proxy or a crashed server signs nothing);
            // the unsigned body is never read, as data or as messages.
            if !status.is_success() {
                return Err(error(status, b"", request_id, retry_after));
            }
            return Err(BackendError::Malformed {
                backend: NAME,
                request_id,
                detail: format!("{e} (X-Bunq-Server-Signature); the answer was discarded"),
            });
        }
        tracing::debug!(backend = NAME, status = status.as_u16(), request_id = %request_id, "bunq");
        if status.is_success() {
            Ok(Answer {
                status,
                body,
                request_id,
            })
        } else {
            Err(error(status, &body, request_id, retry_after))
        }
    }

    /// The session token, opening installation, device and session as needed.
    async fn session(
        &self,
        live: &mut Live,
    ) -> Result<(String, std::sync::Arc<SessionKeys>), BackendError> {
        let now = jiff::Timestamp::now().as_second();
        let Live {
            saved: s,
            keys: parsed,
        } = live;
        if let (Some(keys), Some(session), Some(_), Some(_)) =
            (&parsed, &s.session, &s.installation, s.device_id)
            && session.expires_at - SESSION_MARGIN_SECS > now
        {
            return Ok((session.token.clone(), keys.clone()));
        }
        let key = match s
            .private_key_pem
            .as_deref()
            .and_then(signing::private_from_pem)
        {
            Some(k) => k,
            None => {
                let k = tokio::task::spawn_blocking(signing::generate)
                    .await
                    .map_err(|e| BackendError::Local {
                        what: "bunq key",
                        detail: e.to_string(),
                    })?;
                *s = Saved {
                    api: s.api.clone(),
                    key_hash: s.key_hash.clone(),
                    private_key_pem: Some(signing::private_pem(&k)),
                    ..Default::default()
                };
                k
            }
        };
        let installation = match s.installation.clone() {
            Some(i) => i,
            None => {
                let i = self.install(&key).await?;
                s.installation = Some(i.clone());
                s.device_id = None;
                s.session = None;
                self.save(s);
                i
            }
        };
        let server = signing::public_from_pem(&installation.server_public_key).map_err(|e| {
            BackendError::Malformed {
                backend: NAME,
                request_id: "-".into(),
                detail: format!("the saved server public key: {e}"),
            }
        })?;
        if s.device_id.is_none() {
            let body = serde_json::json!({
                "description": format!("backoffice on {}", hostname()),
                "secret": self.api_key.expose_secret(),
            });
            let a = self
                .send(
                    reqwest::Method::POST,
                    "/device-server",
                    Some(body.to_string().into_bytes()),
                    Some(&installation.token),
                    Some(&key),
                    Some(&server),
                )
                .await?;
            let items = items(&a)?;
            s.device_id = Some(find(&items, "Id", &a)?["id"].as_u64().unwrap_or_default());
            self.save(s);
        }
        let session = match s.session.clone() {
            Some(x) if x.expires_at - SESSION_MARGIN_SECS > now => x,
            _ => {
                let x = self.open_session(&installation, &key, &server).await?;
                s.session = Some(x.clone());
                self.save(s);
                x
            }
        };
        let keys = std::sync::Arc::new(SessionKeys { key, server });
        *parsed = Some(keys.clone());
        Ok((session.token, keys))
    }

    async fn install(&self, key: &signing::PrivateKey) -> Result<InstallationState, BackendError> {
        let body = serde_json::json!({ "client_public_key": signing::public_pem(key) });
        // No signature on the way in, and none to check on the way out: the server's key
        // arrives in this very answer.
        let a = self
            .send(
                reqwest::Method::POST,
                "/installation",
                Some(body.to_string().into_bytes()),
                None,
                None,
                None,
            )
            .await?;
        let items = items(&a)?;
        Ok(InstallationState {
            id: find(&items, "Id", &a)?["id"].as_u64().unwrap_or_default(),
            token: str_field(find(&items, "Token", &a)?, "token", &a)?,
            server_public_key: str_field(
                find(&items, "ServerPublicKey", &a)?,
                "server_public_key",
                &a,
            )?,
        })
    }

    async fn open_session(
        &self,
        installation: &InstallationState,
        key: &signing::PrivateKey,
        server: &signing::PublicKey,
    ) -> Result<SessionState, BackendError> {
        let body = serde_json::json!({ "secret": self.api_key.expose_secret() });
        let a = self
            .send(
                reqwest::Method::POST,
                "/session-server",
                Some(body.to_string().into_bytes()),
                Some(&installation.token),
                Some(key),
                Some(server),
            )
            .await?;
        let items = items(&a)?;
        let token = find(&items, "Token", &a)?;
        let user = find(&items, "UserPerson", &a)
            .or_else(|_| find(&items, "UserCompany", &a))
            .or_else(|_| find(&items, "UserApiKey", &a))?;
        let timeout = user["session_timeout"].as_i64().unwrap_or(604_800);
        self.sessions_opened.fetch_add(1, Ordering::Relaxed);
        tracing::info!(backend = NAME, "bunq session opened");
        Ok(SessionState {
            id: token["id"].as_u64().unwrap_or_default(),
            token: str_field(token, "token", &a)?,
            user_id: user["id"].as_u64().unwrap_or_default(),
            expires_at: jiff::Timestamp::now().as_second() + timeout,
        })
    }

    /// A call in the session. A refused session is reopened once (it may have expired on
    /// bunq's side); a 429 is waited out, as bunq asks or for its 3-second window, and the
    /// same request sent again (reads and `PUT`s set the same values, so resending is safe).
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, BackendError> {
        let mut reopened = false;
        let mut throttled = 0;
        let mut broken = 0;
        let resend = super::http::Resend::default();
        loop {
            let mut s = self.state.lock().await;
            let opened = match self.session(&mut s).await {
                // The saved installation is unknown to bunq now: install afresh, once.
                Err(BackendError::Unauthorized { .. }) if !reopened => {
                    reopened = true;
                    s.saved.installation = None;
                    s.keys = None;
                    self.session(&mut s).await
                }
                other => other,
            };
            drop(s);
            let (token, keys) = opened.map_err(key_refused)?;
            let signed = body.is_some().then_some(&keys.key);
            match self
                .send(
                    method.clone(),
                    path,
                    body.clone(),
                    Some(&token),
                    signed,
                    Some(&keys.server),
                )
                .await
            {
                Err(BackendError::Unauthorized { .. }) if !reopened => {
                    reopened = true;
                    let mut s = self.state.lock().await;
                    if s.saved.session.as_ref().is_some_and(|x| x.token == token) {
                        s.saved.session = None;
                    }
                }
                Err(e @ BackendError::Throttled { .. }) => {
                    // bunq names no wait: its window, unless Retry-After says (up to the cap).
                    let backoff = (throttled < THROTTLE_TRIES).then_some(RATE_WINDOW);
                    let cap = self.settings.retry_after_cap;
                    let Some(wait) = super::http::retry_wait(&e, backoff, cap) else {
                        return Err(e);
                    };
                    throttled += 1;
                    self.throttled.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(wait + Duration::from_millis(fastrand::u64(0..250))).await;
                }
                // A broken connection or a timeout: the request may or may not have gone
                // in; resending sets the same values, so it is safe. A timeout only once,
                // as for every backend.
                Err(e @ (BackendError::Unreachable { .. } | BackendError::Timeout { .. }))
                    if broken < TRANSPORT_TRIES && resend.worth_it(&e) =>
                {
                    broken += 1;
                    tracing::warn!(
                        backend = NAME,
                        request_id = e.request_id(),
                        "resending after {}",
                        e.kind()
                    );
                    tokio::time::sleep(Duration::from_millis(200 * broken + fastrand::u64(0..200)))
                        .await;
                }
                other => return other,
            }
        }
    }

    /// One page of users, newest first; `older_id` continues after the last page.
    pub async fn users(
        &self,
        older_id: Option<u64>,
        loaded: usize,
    ) -> Result<Page<BankUser>, BackendError> {
        self.users_by(PAGE_SIZE, older_id, loaded).await
    }

    /// Pages of `count` users (1 to 200).
    pub async fn users_by(
        &self,
        count: usize,
        older_id: Option<u64>,
        loaded: usize,
    ) -> Result<Page<BankUser>, BackendError> {
        let mut path = format!("/user?count={count}");
        if let Some(o) = older_id {
            path.push_str(&format!("&older_id={o}"));
        }
        let a = self.call(reqwest::Method::GET, &path, None).await?;
        // Checked while still bytes: as JSON values a flood takes 40 times its size.
        let page = super::http::PageCheck {
            key: "Response",
            asked: count,
        };
        page.check(NAME, &a.request_id, &a.body)?;
        let v: Value = decode(&a)?;
        let items = envelope_items(&v, &a)?;
        super::http::page_fits(NAME, items.len(), count)?;
        let users: Vec<BankUser> = items
            .iter()
            .filter_map(|item| item.get("UserPerson").cloned())
            .map(|u| serde_json::from_value(u).map_err(|e| malformed(&a, &e)))
            .collect::<Result<_, _>>()?;
        let next = v["Pagination"]["older_url"]
            .as_str()
            .and_then(|u| query_param(u, "older_id"));
        Ok(Page {
            total: loaded + users.len() + usize::from(next.is_some()),
            items: users,
            next_cursor: next,
        })
    }

    pub async fn user(&self, id: u64) -> Result<BankUser, BackendError> {
        let a = self
            .call(reqwest::Method::GET, &format!("/user-person/{id}"), None)
            .await?;
        let v: Value = decode(&a)?;
        let items = envelope_items(&v, &a)?;
        serde_json::from_value(find(items, "UserPerson", &a)?.clone())
            .map_err(|e| malformed(&a, &e))
    }

    /// Sends the update, then reads the user back as bunq now has them.
    pub async fn update(&self, id: u64, update: &BankUserUpdate) -> Result<BankUser, BackendError> {
        let body = serde_json::to_vec(update).expect("an update serialises");
        let a = self
            .call(
                reqwest::Method::PUT,
                &format!("/user-person/{id}"),
                Some(body),
            )
            .await?;
        let v: Value = decode(&a)?;
        find(envelope_items(&v, &a)?, "Id", &a)?;
        self.user(id).await
    }
}

struct SessionKeys {
    key: signing::PrivateKey,
    server: signing::PublicKey,
}

/// What is saved between runs, and its keys parsed once (PEM decoding an RSA key is costly),
/// under one lock so the two never disagree.
struct Live {
    saved: Saved,
    keys: Option<std::sync::Arc<SessionKeys>>,
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "a jump host".into())
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn malformed(a: &Answer, e: &serde_json::Error) -> BackendError {
    BackendError::Malformed {
        backend: NAME,
        request_id: a.request_id.clone(),
        detail: super::graphql::decode_detail(e),
    }
}

fn decode(a: &Answer) -> Result<Value, BackendError> {
    serde_json::from_slice(&a.body).map_err(|e| malformed(a, &e))
}

fn envelope_items<'v>(v: &'v Value, a: &Answer) -> Result<&'v Vec<Value>, BackendError> {
    v["Response"]
        .as_array()
        .ok_or_else(|| BackendError::Malformed {
            backend: NAME,
            request_id: a.request_id.clone(),
            detail: format!("HTTP {} without a Response list", a.status.as_u16()),
        })
}

fn items(a: &Answer) -> Result<Vec<Value>, BackendError> {
    let v = decode(a)?;
    Ok(envelope_items(&v, a)?.clone())
}

/// The object under `kind` in a `Response` list: bunq's lists hold one-key objects in an
/// order not to be relied on.
fn find<'v>(items: &'v [Value], kind: &str, a: &Answer) -> Result<&'v Value, BackendError> {
    items
        .iter()
        .find_map(|i| i.get(kind))
        .ok_or_else(|| BackendError::Malformed {
            backend: NAME,
            request_id: a.request_id.clone(),
            detail: format!("no {kind} in the answer"),
        })
}

fn str_field(v: &Value, field: &str, a: &Answer) -> Result<String, BackendError> {
    v[field]
        .as_str()
        .map(String::from)
        .ok_or_else(|| BackendError::Malformed {
            backend: NAME,
            request_id: a.request_id.clone(),
            detail: format!("no {field} in the answer"),
        })
}

/// An `{"Error":[…]}` answer.
fn error(
    status: reqwest::StatusCode,
    body: &[u8],
    request_id: String,
    retry_after: Option<Duration>,
) -> BackendError {
    let messages: Vec<String> = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["Error"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["error_description"].as_str())
        .map(BackendError::server_message)
        .collect();
    match status.as_u16() {
        401 | 403 => BackendError::Unauthorized {
            backend: NAME,
            request_id,
            // A refused session is reopened before this is shown: the API key is what is wrong.
            detail: check_the_key(
                &messages
                    .first()
                    .cloned()
                    .unwrap_or_else(|| format!("HTTP {}", status.as_u16())),
            ),
        },
        429 => BackendError::Throttled {
            backend: NAME,
            request_id,
            retry_after,
        },
        _ if !messages.is_empty() => BackendError::Rejected {
            backend: NAME,
            request_id,
            messages,
            code: Some(status.as_u16().to_string()),
        },
        s => BackendError::Http {
            backend: NAME,
            request_id,
            status: s,
        },
    }
}

impl super::BankUsers for BunqClient {
    fn bank_users(
        &self,
        older_id: Option<String>,
        loaded: usize,
    ) -> super::BoxFut<'_, Page<BankUser>> {
        Box::pin(async move {
            self.users(older_id.and_then(|o| o.parse().ok()), loaded)
                .await
        })
    }

    fn bank_user(&self, id: u64) -> super::BoxFut<'_, BankUser> {
        Box::pin(self.user(id))
    }

    fn update_bank_user(&self, id: u64, update: BankUserUpdate) -> super::BoxFut<'_, BankUser> {
        Box::pin(async move { self.update(id, &update).await })
    }
}

/// bunq refuses a wrong API key on device and session registration with a 400: it is the
/// credentials that were refused, so it is said (and a script exits) as such. Applied after
/// the one fresh installation a 401 earns, so a wrong key does not install again.
fn key_refused(e: BackendError) -> BackendError {
    match e {
        BackendError::Rejected {
            backend,
            request_id,
            messages,
            code,
        } if code.as_deref() == Some("400") => BackendError::Unauthorized {
            backend,
            request_id,
            detail: check_the_key(messages.first().map_or("HTTP 400", String::as_str)),
        },
        e => e,
    }
}

fn check_the_key(message: &str) -> String {
    BackendError::advise(message, "Check the profile's API key, then restart")
}
