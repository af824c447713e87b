//! The bunq public API in the sandbox (REST, seed 002 and the official OpenAPI file):
//! installation, device and session with their tokens, `X-Bunq-Client-Signature` checked on
//! every request that carries a body, every response signed in `X-Bunq-Server-Signature`,
//! the `Response`/`Error` envelopes, users with `count` paging, `UserPerson` read and update,
//! and bunq's per-endpoint rate limits.

pub mod limit;
pub mod signature;
pub mod store;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, FromRequestParts, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};
use signature::ClientKey;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use store::{Refusal, Store, bunq_time};

pub const CLIENT_AUTH: &str = "x-bunq-client-authentication";
pub const CLIENT_SIGNATURE: &str = "x-bunq-client-signature";
pub const SERVER_SIGNATURE: &str = "x-bunq-server-signature";
pub const REQUEST_ID: &str = "x-bunq-client-request-id";
pub const RESPONSE_ID: &str = "x-bunq-client-response-id";

/// The answer to a request id sent again on the same device (bunq: "the server will respond
/// with an error when the same ID is used again on the same DeviceServer").
pub const REQUEST_ID_REUSED: &str = "The X-Bunq-Client-Request-Id must be unique for each request: this ID was already used on this DeviceServer.";

/// Users in the sandbox's bunq (drawn from the Unioo people).
pub const USERS: usize = 60;

/// Largest `count` bunq accepts.
pub const MAX_COUNT: usize = 200;

struct Installation {
    id: u64,
    client_key: ClientKey,
    device: Option<u64>,
    /// The `X-Bunq-Client-Request-Id`s this device has sent, oldest first.
    request_ids: RequestIds,
}

/// Request ids already used on one device: bunq refuses one sent again. The sandbox remembers
/// the last [`REQUEST_IDS_KEPT`], so a long run does not grow without end.
#[derive(Default)]
struct RequestIds {
    seen: std::collections::HashSet<String>,
    order: std::collections::VecDeque<String>,
}

/// How many request ids a device's memory holds.
pub const REQUEST_IDS_KEPT: usize = 100_000;

impl RequestIds {
    /// Whether `id` is new here; it is remembered either way.
    fn first_use(&mut self, id: &str) -> bool {
        if self.seen.contains(id) {
            return false;
        }
        if self.order.len() == REQUEST_IDS_KEPT
            && let Some(oldest) = self.order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        self.seen.insert(id.to_string());
        self.order.push_back(id.to_string());
        true
    }
}

struct Session {
    id: u64,
    installation: String,
    expires_at: i64,
}

#[derive(Default)]
struct Sessions {
    installations: HashMap<String, Installation>,
    sessions: HashMap<String, Session>,
    next_id: u64,
}

pub struct Bunq {
    pub api_key: String,
    auth: Mutex<Sessions>,
    pub store: Mutex<Store>,
    limit: limit::Limits,
    session_timeout_secs: i64,
    /// Tests: sign responses with a key that is not the server's.
    pub forge_signatures: AtomicBool,
    /// The last requests, for contract checks: what clients send.
    pub seen: Mutex<std::collections::VecDeque<Seen>>,
}

/// One request as it arrived: method, path, header names and body.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<String>,
    /// Shared with the request, not copied.
    pub body: axum::body::Bytes,
}

/// Requests kept in [`Bunq::seen`].
const SEEN: usize = 100;

impl Bunq {
    pub fn new(
        world: &crate::sandbox::data::World,
        users: usize,
        rate_window_ms: u64,
        session_timeout_secs: i64,
        api_key: String,
    ) -> Bunq {
        Bunq {
            api_key,
            auth: Mutex::new(Sessions {
                next_id: 70_000,
                ..Default::default()
            }),
            store: Mutex::new(Store::generate(world, users)),
            limit: limit::Limits::new(rate_window_ms),
            session_timeout_secs,
            forge_signatures: AtomicBool::new(false),
            seen: Default::default(),
        }
    }

    /// A fresh API key (`sandbox_<hex>`).
    pub fn new_api_key() -> String {
        format!("sandbox_{}", crate::sandbox::auth::random_hex())
    }

    /// Ends every open session, as if each had timed out.
    pub fn expire_sessions(&self) {
        let mut a = self.auth.lock().expect("sessions");
        for s in a.sessions.values_mut() {
            s.expires_at = 0;
        }
    }

    /// The fixed sandbox server key's public half (`assets/sandbox-keys/`).
    pub fn server_public_pem(&self) -> &str {
        signature::SERVER_PUBLIC_PEM
    }
}

fn envelope(items: Vec<Value>) -> Response {
    axum::Json(json!({ "Response": items })).into_response()
}

fn error(status: u16, description: &str) -> Response {
    let body = json!({ "Error": [{
        "error_description": description,
        "error_description_translated": description,
    }]});
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        axum::Json(body),
    )
        .into_response()
}

/// The path's `{id}`, a whole number, or bunq's error envelope: axum's own `Path` would answer
/// `text/plain`.
struct ItemId(u64);

impl<S: Send + Sync> FromRequestParts<S> for ItemId {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Response> {
        let not_a_number = || error(400, "The id in the path must be a whole number.");
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| not_a_number())?;
        id.parse().map(ItemId).map_err(|_| not_a_number())
    }
}

/// The query string as `T`, or bunq's error envelope (a parameter given twice, say).
struct BunqQuery<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for BunqQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Response> {
        Query::try_from_uri(&parts.uri)
            .map(|Query(q)| BunqQuery(q))
            .map_err(|e| error(400, &format!("The query is not valid: {}.", e.body_text())))
    }
}

/// Why a request was turned away: the HTTP status and the error description.
struct Refused(u16, String);

fn refused(status: u16, why: &str) -> Refused {
    Refused(status, why.to_string())
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// Who is calling: their installation, and the session's user when they have one.
#[derive(Clone)]
struct Caller {
    installation: String,
    session: Option<String>,
}

/// `/v1/user-person/2005` → `/v1/user-person/{id}`: rate limits are per endpoint.
fn endpoint(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every request: the required headers, the rate limit, the token, the signature. Every
/// response: the request id echoed, a response id, and the server's signature over the body.
async fn guard(State(b): State<Arc<Bunq>>, req: Request, next: Next) -> Response {
    let request_id = header(req.headers(), REQUEST_ID).map(String::from);
    let (mut parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 1 << 20).await else {
        let too_large = error(400, "The request body is too large.");
        return sign_response(&b, too_large, request_id).await;
    };
    remember(&b, &parts, &body);
    let response = match admit(&b, &parts.method, parts.uri.path(), &parts.headers, &body) {
        Err(Refused(status, why)) => error(status, &why),
        Ok(caller) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, axum::body::Body::from(body)))
                .await
        }
    };
    sign_response(&b, response, request_id).await
}

fn remember(b: &Bunq, parts: &axum::http::request::Parts, body: &axum::body::Bytes) {
    let mut seen = b.seen.lock().expect("seen");
    if seen.len() == SEEN {
        seen.pop_front();
    }
    seen.push_back(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        headers: parts.headers.keys().map(|k| k.to_string()).collect(),
        body: body.clone(),
    });
}

fn admit(
    b: &Bunq,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Caller, Refused> {
    for required in ["cache-control", "user-agent"] {
        if header(headers, required).is_none() {
            return Err(refused(400, &format!("The header {required} is required.")));
        }
    }
    let endpoint = endpoint(path);
    if let Err(limit) = b.limit.check(method, &endpoint) {
        return Err(refused(
            429,
            &format!(
                "Too many requests. You can do a maximum of {} calls per {} second to this endpoint.",
                limit.calls,
                limit.window_secs()
            ),
        ));
    }
    if method == Method::POST && endpoint == "/v1/installation" {
        return Ok(Caller {
            installation: String::new(),
            session: None,
        });
    }
    let unauthorised = || refused(401, "Insufficient authorisation.");
    let token = header(headers, CLIENT_AUTH).ok_or_else(unauthorised)?;
    let now = jiff::Timestamp::now().as_second();
    let mut a = b.auth.lock().expect("sessions");
    let installation_only = endpoint == "/v1/device-server"
        || endpoint == "/v1/session-server"
        || endpoint.starts_with("/v1/installation/");
    let caller = if installation_only {
        if !a.installations.contains_key(token) {
            return Err(unauthorised());
        }
        Caller {
            installation: token.to_string(),
            session: None,
        }
    } else {
        let timeout = b.session_timeout_secs;
        let s = a.sessions.get_mut(token).ok_or_else(unauthorised)?;
        if s.expires_at <= now {
            return Err(unauthorised());
        }
        // A session lives as long as it is used.
        s.expires_at = now + timeout;
        Caller {
            installation: s.installation.clone(),
            session: Some(token.to_string()),
        }
    };
    let signed = method == Method::POST || method == Method::PUT;
    let presented = header(headers, CLIENT_SIGNATURE);
    if signed || presented.is_some() {
        let key = &a
            .installations
            .get(&caller.installation)
            .ok_or_else(unauthorised)?
            .client_key;
        if let Err(e) = key.verify(body, presented) {
            return Err(refused(466, &format!("Request signature refused: {e}.")));
        }
    }
    if let Some(id) = header(headers, REQUEST_ID)
        && let Some(i) = a.installations.get_mut(&caller.installation)
        && !i.request_ids.first_use(id)
    {
        return Err(refused(400, REQUEST_ID_REUSED));
    }
    Ok(caller)
}

async fn sign_response(b: &Bunq, response: Response, request_id: Option<String>) -> Response {
    let (mut parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    let signature = if b.forge_signatures.load(Ordering::Relaxed) {
        signature::sign(b"something else")
    } else {
        signature::sign(&body)
    };
    let h = &mut parts.headers;
    if let Ok(v) = HeaderValue::from_str(&signature) {
        h.insert(SERVER_SIGNATURE, v);
    }
    if let Some(v) = request_id.and_then(|r| HeaderValue::from_str(&r).ok()) {
        h.insert(REQUEST_ID, v);
    }
    if let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        h.insert(RESPONSE_ID, v);
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The body as JSON, or the 400 to answer.
fn json_body(body: &[u8]) -> Result<Value, Box<Response>> {
    serde_json::from_slice(body)
        .map_err(|_| Box::new(error(400, "The request body is not valid JSON.")))
}

fn token_object(id: u64, token: &str) -> Value {
    let now = bunq_time(jiff::Timestamp::now());
    json!({ "Token": { "id": id, "created": now, "updated": now, "token": token } })
}

async fn installation(State(b): State<Arc<Bunq>>, body: Bytes) -> Response {
    let v = match json_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(pem) = v["client_public_key"].as_str() else {
        return error(400, "client_public_key is required.");
    };
    let Some(client_key) = ClientKey::from_pem(pem) else {
        return error(400, "client_public_key is not an RSA public key in PEM.");
    };
    let token = crate::sandbox::auth::random_hex();
    let mut a = b.auth.lock().expect("sessions");
    a.next_id += 1;
    let id = a.next_id;
    a.installations.insert(
        token.clone(),
        Installation {
            id,
            client_key,
            device: None,
            request_ids: RequestIds::default(),
        },
    );
    envelope(vec![
        json!({ "Id": { "id": id } }),
        token_object(id, &token),
        json!({ "ServerPublicKey": { "server_public_key": b.server_public_pem() } }),
    ])
}

async fn server_public_key(
    State(b): State<Arc<Bunq>>,
    Extension(caller): Extension<Caller>,
    ItemId(id): ItemId,
) -> Response {
    let a = b.auth.lock().expect("sessions");
    match a.installations.get(&caller.installation) {
        Some(i) if i.id == id => envelope(vec![
            json!({ "ServerPublicKey": { "server_public_key": b.server_public_pem() } }),
        ]),
        _ => error(404, "Installation not found."),
    }
}

async fn device_server(
    State(b): State<Arc<Bunq>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    let v = match json_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if v["description"].as_str().is_none_or(str::is_empty) {
        return error(400, "description is required.");
    }
    if v["secret"].as_str() != Some(b.api_key.as_str()) {
        return error(
            400,
            "User credentials are incorrect. Incorrect API key or IP address.",
        );
    }
    let mut a = b.auth.lock().expect("sessions");
    a.next_id += 1;
    let id = a.next_id;
    if let Some(i) = a.installations.get_mut(&caller.installation) {
        i.device = Some(id);
    }
    envelope(vec![json!({ "Id": { "id": id } })])
}

async fn session_server(
    State(b): State<Arc<Bunq>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    let v = match json_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if v["secret"].as_str() != Some(b.api_key.as_str()) {
        return error(
            400,
            "User credentials are incorrect. Incorrect API key or IP address.",
        );
    }
    let mut a = b.auth.lock().expect("sessions");
    if a.installations
        .get(&caller.installation)
        .is_none_or(|i| i.device.is_none())
    {
        return error(
            400,
            "No device server is registered for this installation: POST /device-server first.",
        );
    }
    a.next_id += 1;
    let id = a.next_id;
    let token = crate::sandbox::auth::random_hex();
    a.sessions.insert(
        token.clone(),
        Session {
            id,
            installation: caller.installation,
            expires_at: jiff::Timestamp::now().as_second() + b.session_timeout_secs,
        },
    );
    let mut operator = b.store.lock().expect("store").operator.clone();
    operator.insert("session_timeout".into(), b.session_timeout_secs.into());
    envelope(vec![
        json!({ "Id": { "id": id } }),
        // The spec's SessionServerToken has no timestamps, unlike the installation's token.
        json!({ "Token": { "id": id, "token": token } }),
        json!({ "UserPerson": operator }),
    ])
}

async fn end_session(
    State(b): State<Arc<Bunq>>,
    Extension(caller): Extension<Caller>,
    ItemId(id): ItemId,
) -> Response {
    let mut a = b.auth.lock().expect("sessions");
    let Some(token) = caller.session else {
        return error(401, "Insufficient authorisation.");
    };
    if a.sessions.get(&token).is_none_or(|s| s.id != id) {
        return error(404, "Session not found.");
    }
    a.sessions.remove(&token);
    envelope(Vec::new())
}

#[derive(serde::Deserialize)]
struct PageQuery {
    count: Option<String>,
    older_id: Option<String>,
    newer_id: Option<String>,
}

fn paging_url(count: usize, key: &str, id: u64) -> Value {
    format!("/v1/user?count={count}&{key}={id}").into()
}

async fn list_users(State(b): State<Arc<Bunq>>, BunqQuery(q): BunqQuery<PageQuery>) -> Response {
    let count = match q.count.as_deref().map(str::parse::<usize>) {
        None => 10,
        Some(Ok(c)) if (1..=MAX_COUNT).contains(&c) => c,
        _ => return error(400, "count must be 1 to 200."),
    };
    let id = |v: &Option<String>| match v.as_deref().map(str::parse::<u64>) {
        None => Ok(None),
        Some(Ok(n)) => Ok(Some(n)),
        Some(Err(_)) => Err(()),
    };
    let (older, newer) = match (id(&q.older_id), id(&q.newer_id)) {
        (Ok(o), Ok(n)) => (o, n),
        _ => return error(400, "older_id and newer_id must be whole numbers."),
    };
    let store = b.store.lock().expect("store");
    let ids = store.page(count, older, newer);
    let items: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "UserPerson": store.users[id] }))
        .collect();
    let (newest, oldest) = (ids.first().copied(), ids.last().copied());
    let has_older = oldest.is_some_and(|o| store.users.range(..o).next().is_some());
    let has_newer = newest.is_some_and(|n| store.users.range(n + 1..).next().is_some());
    let pagination = json!({
        "older_url": if has_older { paging_url(count, "older_id", oldest.unwrap_or(0)) } else { Value::Null },
        "newer_url": if has_newer { paging_url(count, "newer_id", newest.unwrap_or(0)) } else { Value::Null },
        "future_url": if has_newer { Value::Null } else { paging_url(count, "newer_id", newest.or(older.map(|o| o.saturating_sub(1))).unwrap_or(0)) },
    });
    axum::Json(json!({ "Response": items, "Pagination": pagination })).into_response()
}

fn one_user(b: &Bunq, id: u64) -> Response {
    let store = b.store.lock().expect("store");
    if id == store::OPERATOR_ID {
        return envelope(vec![json!({ "UserPerson": store.operator })]);
    }
    match store.users.get(&id) {
        Some(u) => envelope(vec![json!({ "UserPerson": u })]),
        None => error(404, "User not found."),
    }
}

async fn get_user(State(b): State<Arc<Bunq>>, ItemId(id): ItemId) -> Response {
    one_user(&b, id)
}

async fn update_user(State(b): State<Arc<Bunq>>, ItemId(id): ItemId, body: Bytes) -> Response {
    let updated = b
        .store
        .lock()
        .expect("store")
        .update(id, &body, jiff::Timestamp::now());
    match updated {
        Ok(()) => envelope(vec![json!({ "Id": { "id": id } })]),
        Err(Refusal::NotFound) => error(404, "User not found."),
        Err(Refusal::Bad(why)) => error(400, &why),
    }
}

async fn not_found() -> Response {
    error(404, "Route not found.")
}

async fn method_not_allowed() -> Response {
    error(
        405,
        "The method you are using is not allowed for this endpoint.",
    )
}

pub fn router(b: Arc<Bunq>) -> Router {
    Router::new()
        .route("/v1/installation", post(installation))
        .route(
            "/v1/installation/{id}/server-public-key",
            get(server_public_key),
        )
        .route("/v1/device-server", post(device_server))
        .route("/v1/session-server", post(session_server))
        .route("/v1/session/{id}", delete(end_session))
        .route("/v1/user", get(list_users))
        .route("/v1/user/{id}", get(get_user))
        .route("/v1/user-person/{id}", get(get_user).put(update_user))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(b.clone(), guard))
        .with_state(b)
}
