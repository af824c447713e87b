//! The Upvest Investment API in the sandbox (REST, seed 001 and the official OpenAPI 1.9.0):
//! OAuth2 client credentials, HTTP message signatures (v15) checked on every request, the
//! required `upvest-*` headers, end users (list, read, create with an idempotency key,
//! offboard, data change requests, checks, tax residencies), errors as
//! `application/problem+json` with a request id, and 429 when a client goes too fast.

pub mod auth;
pub mod signature;
pub mod store;

use crate::sandbox::ratelimit::RateLimit;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::sync::{Arc, Mutex};
use store::{Problem, Store, problem};

pub struct Upvest {
    pub auth: auth::Auth,
    pub store: Mutex<Store>,
    pub limit: RateLimit,
}

impl Upvest {
    /// `auth`: the client and keys, made first (they are in the credentials).
    pub fn new(auth: auth::Auth, seed: u64, people: usize, rate_limit: u32) -> Upvest {
        Upvest {
            auth,
            store: Mutex::new(Store::generate(seed, people)),
            limit: RateLimit::new(rate_limit),
        }
    }
}

/// The request id of this request, for errors and the response header.
#[derive(Clone)]
struct RequestId(String);

/// The scopes the caller's token carries.
#[derive(Clone)]
struct Scopes(Vec<String>);

fn problem_response(p: Problem, request_id: &str) -> Response {
    let title = StatusCode::from_u16(p.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let body = json!({
        "type": format!("https://docs.upvest.co/errors/{}", p.kind),
        "status": p.status,
        "title": title,
        "detail": p.detail,
        "request_id": request_id,
    });
    let mut r = (
        StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response();
    if p.status == 429 {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(String::from)
}

/// Every request: the client id, the signature, the token (except for the token request),
/// the accept header and the rate limit.
async fn guard(
    State(u): State<Arc<Upvest>>,
    OriginalUri(uri): OriginalUri,
    req: Request,
    next: Next,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (mut parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, 1 << 20).await {
        Ok(b) => b,
        Err(_) => {
            return problem_response(problem(400, "bad_request", "body too large"), &request_id);
        }
    };
    let checked = check(&u, &parts.method, &uri, &parts.headers, &body);
    let mut response = match checked {
        Err(p) => problem_response(p, &request_id),
        Ok(scopes) => {
            parts.extensions.insert(RequestId(request_id.clone()));
            parts.extensions.insert(Scopes(scopes));
            next.run(Request::from_parts(parts, axum::body::Body::from(body)))
                .await
        }
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("upvest-request-id", v);
    }
    response
}

fn check(
    u: &Upvest,
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<String>, Problem> {
    let client = header(headers, "upvest-client-id").ok_or_else(|| {
        problem(
            400,
            "missing_client_id",
            "the upvest-client-id header is required",
        )
    })?;
    if header(headers, "upvest-api-version").is_some_and(|v| v != "1") {
        return Err(problem(400, "bad_request", "upvest-api-version must be 1"));
    }
    if u.limit.check(&client).is_err() {
        return Err(problem(
            429,
            "too_many_requests",
            "too many requests; retry after 1 s",
        ));
    }
    let token_request = uri.path().ends_with("/auth/token");
    if !token_request
        && header(headers, "accept").is_none_or(|a| !a.contains("application/json") && a != "*/*")
    {
        return Err(problem(
            406,
            "not_acceptable",
            "accept must be application/json",
        ));
    }
    if !body.is_empty()
        && header(headers, "content-length").is_none_or(|l| l != body.len().to_string())
    {
        return Err(problem(
            400,
            "bad_request",
            "content-length does not match the body",
        ));
    }
    let received = signature::Received {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query(),
        headers,
        body,
    };
    let now = jiff::Timestamp::now().as_second();
    signature::verify(
        &received,
        token_request,
        |id| u.auth.keys.get(id).cloned(),
        now,
        |n| u.auth.first_use(n),
    )
    .map_err(|r| problem(401, "unauthorized", format!("signature refused: {r}")))?;
    if client != u.auth.client_id {
        return Err(problem(401, "unauthorized", "unknown upvest-client-id"));
    }
    if token_request {
        return Ok(Vec::new());
    }
    let token = header(headers, "authorization")
        .and_then(|a| a.strip_prefix("Bearer ").map(String::from))
        .ok_or_else(|| problem(401, "unauthorized", "a bearer token is required"))?;
    u.auth.scopes(token.trim()).ok_or_else(|| {
        problem(
            401,
            "unauthorized",
            "the access token is invalid or expired",
        )
    })
}

fn need(scopes: &Scopes, any_of: &[&str]) -> Result<(), Problem> {
    if scopes.0.iter().any(|s| any_of.contains(&s.as_str())) {
        Ok(())
    } else {
        Err(problem(
            403,
            "forbidden",
            format!("the token lacks the scope {}", any_of.join(" or ")),
        ))
    }
}

async fn token(
    State(u): State<Arc<Upvest>>,
    axum::extract::Extension(rid): axum::extract::Extension<RequestId>,
    body: Bytes,
) -> Response {
    let form: std::collections::HashMap<String, String> = serde_urlencoded_pairs(&body);
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    if field("grant_type") != "client_credentials" {
        return problem_response(
            problem(400, "bad_request", "grant_type must be client_credentials"),
            &rid.0,
        );
    }
    match u.auth.issue(
        &field("client_id"),
        &field("client_secret"),
        &field("scope"),
    ) {
        Ok((token, scopes)) => axum::Json(json!({
            "access_token": token,
            "expires_in": u.auth.token_ttl_secs,
            "token_type": "bearer",
            "scope": scopes.join(" "),
        }))
        .into_response(),
        Err(why) => problem_response(problem(401, "unauthorized", why), &rid.0),
    }
}

/// `application/x-www-form-urlencoded` pairs.
fn serde_urlencoded_pairs(body: &[u8]) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The query string as `T`, refused as a 400 `application/problem+json` when it does not fit
/// (a parameter given twice, say): axum's own `Query` would answer `text/plain`.
struct ProblemQuery<T>(T);

impl<T, S> axum::extract::FromRequestParts<S> for ProblemQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Response> {
        Query::try_from_uri(&parts.uri)
            .map(|Query(q)| ProblemQuery(q))
            .map_err(|e| {
                let rid = parts
                    .extensions
                    .get::<RequestId>()
                    .map(|r| r.0.clone())
                    .unwrap_or_default();
                problem_response(problem(400, "bad_request", e.body_text()), &rid)
            })
    }
}

#[derive(serde::Deserialize)]
struct ListQuery {
    offset: Option<String>,
    limit: Option<String>,
    sort: Option<String>,
    order: Option<String>,
}

/// A whole number parameter; absent or empty (`allowEmptyValue`) is the default.
fn number(v: Option<&str>, default: usize) -> Result<usize, ()> {
    match v {
        None | Some("") => Ok(default),
        Some(n) => n.parse().map_err(|_| ()),
    }
}

async fn list_users(
    State(u): State<Arc<Upvest>>,
    axum::extract::Extension(rid): axum::extract::Extension<RequestId>,
    axum::extract::Extension(scopes): axum::extract::Extension<Scopes>,
    ProblemQuery(q): ProblemQuery<ListQuery>,
) -> Response {
    if let Err(p) = need(&scopes, &["users:read", "users:admin"]) {
        return problem_response(p, &rid.0);
    }
    let bad = |d: &str| problem_response(problem(400, "bad_request", d), &rid.0);
    let Ok(offset) = number(q.offset.as_deref(), 0) else {
        return bad("offset must be a whole number, 0 or more");
    };
    let limit = match number(q.limit.as_deref(), 100) {
        Ok(l) if l <= 1000 => l,
        _ => return bad("limit must be 0 to 1000"),
    };
    let sort = q.sort.unwrap_or_else(|| "created_at".into());
    if sort != "created_at" {
        return bad("sort must be created_at");
    }
    let order = q.order.unwrap_or_else(|| "ASC".into());
    if order != "ASC" && order != "DESC" {
        return bad("order must be ASC or DESC");
    }
    let now = jiff::Timestamp::now();
    let store = u.store.lock().expect("store");
    let data = store.list(offset, limit, order == "DESC", now);
    axum::Json(json!({
        "meta": {
            "offset": offset,
            "limit": limit,
            "count": data.len(),
            "total_count": store.len(),
            "sort": sort,
            "order": order,
        },
        "data": data,
    }))
    .into_response()
}

async fn create_user(
    State(u): State<Arc<Upvest>>,
    axum::extract::Extension(rid): axum::extract::Extension<RequestId>,
    axum::extract::Extension(scopes): axum::extract::Extension<Scopes>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(p) = need(&scopes, &["users:admin"]) {
        return problem_response(p, &rid.0);
    }
    let Some(key) =
        header(&headers, "idempotency-key").filter(|k| uuid::Uuid::parse_str(k).is_ok())
    else {
        return problem_response(
            problem(
                400,
                "missing_idempotency_key",
                "POST /users needs an idempotency-key (a UUID)",
            ),
            &rid.0,
        );
    };
    let req = match store::CreateUser::from_body(&body) {
        Ok(r) => r,
        Err(p) => return problem_response(p, &rid.0),
    };
    let mut store = u.store.lock().expect("store");
    match store.create(&key, &body, req, jiff::Timestamp::now()) {
        Ok(user) => axum::Json(user).into_response(),
        Err(p) => problem_response(p, &rid.0),
    }
}

fn user_id(id: &str) -> Result<(), Problem> {
    uuid::Uuid::parse_str(id)
        .map(|_| ())
        .map_err(|_| problem(400, "bad_request", "user_id must be a UUID"))
}

async fn get_user(
    State(u): State<Arc<Upvest>>,
    axum::extract::Extension(rid): axum::extract::Extension<RequestId>,
    axum::extract::Extension(scopes): axum::extract::Extension<Scopes>,
    Path(id): Path<String>,
) -> Response {
    if let Err(p) = need(&scopes, &["users:read", "users:admin"]).and_then(|()| user_id(&id)) {
        return problem_response(p, &rid.0);
    }
    match u
        .store
        .lock()
        .expect("store")
        .get(&id, jiff::Timestamp::now())
    {
        Some(user) => axum::Json(user).into_response(),
        None => problem_response(problem(404, "not_found", "no user with this id"), &rid.0),
    }
}

async fn offboard_user(
    State(u): State<Arc<Upvest>>,
    axum::extract::Extension(rid): axum::extract::Extension<RequestId>,
    axum::extract::Extension(scopes): axum::extract::Extension<Scopes>,
    Path(id): Path<String>,
) -> Response {
    if let Err(p) = need(&scopes, &["users:admin"]).and_then(|()| user_id(&id)) {
        return problem_response(p, &rid.0);
    }
    match u
        .store
        .lock()
        .expect("store")
        .offboard(&id, jiff::Timestamp::now())
    {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(p) => problem_response(p, &rid.0),
    }
}

async fn data_change(
    State(u): State<Arc<Upvest>>,
    axum::extract::Extension(rid): axum::extract::Extension<RequestId>,
    axum::extract::Extension(scopes): axum::extract::Extension<Scopes>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let checked = need(&scopes, &["users:admin"])
        .and_then(|()| user_id(&id))
        .and_then(|()| store::ChangeUser::parse(&body));
    let change = match checked {
        Ok(c) => c,
        Err(p) => return problem_response(p, &rid.0),
    };
    match u
        .store
        .lock()
        .expect("store")
        .request_change(&id, change, jiff::Timestamp::now())
    {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(p) => problem_response(p, &rid.0),
    }
}

async fn checks(
    State(u): State<Arc<Upvest>>,
    axum::extract::Extension(rid): axum::extract::Extension<RequestId>,
    axum::extract::Extension(scopes): axum::extract::Extension<Scopes>,
    Path(id): Path<String>,
) -> Response {
    if let Err(p) = need(&scopes, &["checks:read", "checks:admin"]).and_then(|()| user_id(&id)) {
        return problem_response(p, &rid.0);
    }
    let Some(user) = u
        .store
        .lock()
        .expect("store")
        .get(&id, jiff::Timestamp::now())
    else {
        return problem_response(problem(404, "not_found", "no user with this id"), &rid.0);
    };
    let kyc = json!({
        "id": derived_id(&format!("{id}/kyc")),
        "user_id": id,
        "type": "KYC",
        "data_download_link": format!("https://files.example.com/kyc/{id}.pdf"),
        "status": "PASSED",
        "check_confirmed_at": user.created_at,
        "document_type": "ID_CARD",
        "document_expiration_date": "2031-06-30",
        "nationality": user.nationalities.first(),
        "provider": "Sandbox Ident",
        "method": "VIDEO_ID",
    });
    axum::Json(json!({ "data": [kyc] })).into_response()
}

async fn tax_residencies(
    State(u): State<Arc<Upvest>>,
    axum::extract::Extension(rid): axum::extract::Extension<RequestId>,
    axum::extract::Extension(scopes): axum::extract::Extension<Scopes>,
    Path(id): Path<String>,
) -> Response {
    if let Err(p) = need(&scopes, &["taxes:read", "taxes:admin"]).and_then(|()| user_id(&id)) {
        return problem_response(p, &rid.0);
    }
    let Some(user) = u
        .store
        .lock()
        .expect("store")
        .get(&id, jiff::Timestamp::now())
    else {
        return problem_response(problem(404, "not_found", "no user with this id"), &rid.0);
    };
    axum::Json(json!({
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "tax_residencies": [
            { "country": user.address.country, "tax_identifier_number": format!("{:011}", user.id.bytes().map(u64::from).sum::<u64>() * 7919) }
        ],
        "status": "ACTIVE",
    }))
    .into_response()
}

/// A stable UUID for something derived from a user (their KYC check).
fn derived_id(of: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(of.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Anything under the prefix that is no route: a problem, like every other error.
async fn no_route(rid: Option<axum::extract::Extension<RequestId>>) -> Response {
    let rid = rid.map(|r| r.0.0).unwrap_or_default();
    problem_response(problem(404, "not_found", "no such endpoint"), &rid)
}

async fn no_method(rid: Option<axum::extract::Extension<RequestId>>) -> Response {
    let rid = rid.map(|r| r.0.0).unwrap_or_default();
    problem_response(
        problem(
            405,
            "method_not_allowed",
            "this endpoint does not take this method",
        ),
        &rid,
    )
}

pub fn router(u: Arc<Upvest>) -> Router {
    Router::new()
        .route("/auth/token", post(token))
        .route("/users", get(list_users).post(create_user))
        .route("/users/{user_id}", get(get_user).delete(offboard_user))
        .route("/users/{user_id}/data_change_requests", post(data_change))
        .route("/users/{user_id}/checks", get(checks))
        .route("/users/{user_id}/tax_residencies", get(tax_residencies))
        .fallback(no_route)
        .method_not_allowed_fallback(no_method)
        .layer(middleware::from_fn_with_state(u.clone(), guard))
        .with_state(u)
}
