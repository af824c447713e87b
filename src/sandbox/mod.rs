//! The embedded sandbox: real HTTP servers on loopback that speak each backend's wire format
//! with deterministic fake data. The binary and the tests start it the same way.

pub mod auth;
pub mod bunq;
pub mod data;
pub mod faults;
pub mod healthmov;
pub mod paging;
pub mod process;
pub mod ratelimit;
pub mod review;
pub mod staff;
pub mod unioo;
pub mod upvest;
pub mod vasco;

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::response::{IntoResponse, Response};
use axum::{Router, extract::State, middleware, routing::post};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;

#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    pub seed: u64,
    pub people: usize,
    /// Healthmov access tokens live this long (short, so clients exercise refresh).
    pub healthmov_token_ttl_secs: i64,
    /// Healthmov requests per client per second before 429 (0: no limit).
    pub healthmov_rate_limit: u32,
    /// The day Healthmov judges access on; `None`: today (tests fix it for stable screens).
    pub healthmov_today: Option<jiff::civil::Date>,
    /// Upvest requests per client per second before 429 (0: no limit).
    pub upvest_rate_limit: u32,
    /// Upvest access tokens live this long.
    pub upvest_token_ttl_secs: i64,
    /// bunq's rate-limit window (3 s, as bunq's; 0 turns the limits off).
    pub bunq_rate_window_ms: u64,
    /// A bunq session ends after this long without a request.
    pub bunq_session_timeout_secs: i64,
    /// Faults to inject, as `--fault` takes them (`bunq:500@0.3`, `unioo:latency=800`).
    pub faults: Vec<String>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: data::DEFAULT_SEED,
            people: data::DEFAULT_PEOPLE,
            healthmov_token_ttl_secs: 120,
            healthmov_rate_limit: 20,
            healthmov_today: None,
            upvest_rate_limit: 50,
            upvest_token_ttl_secs: 1800,
            bunq_rate_window_ms: 3000,
            bunq_session_timeout_secs: 604_800,
            faults: Vec::new(),
        }
    }
}

/// How to reach one sandbox API.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Endpoint {
    pub url: String,
    /// A bearer token valid for [`TOKEN_TTL_SECS`].
    pub token: String,
}

/// How to log in to the sandbox's Healthmov API.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct LoginEndpoint {
    pub url: String,
    pub username: String,
    pub password: String,
}

/// How to reach the sandbox's Upvest API: OAuth2 client credentials and a signing key.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct UpvestEndpoint {
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
    /// The id of the registered signing key (`keyid` in signatures).
    pub key_id: String,
    /// A PKCS#8 PEM Ed25519 private key registered with the sandbox (mode 0600).
    pub private_key_path: std::path::PathBuf,
}

/// How to reach the sandbox's bunq API: its base URL (ending in `/v1`) and an API key.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BunqEndpoint {
    pub url: String,
    pub api_key: String,
}

/// What `backoffice sandbox` prints.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Credentials {
    pub unioo: Endpoint,
    pub healthmov: LoginEndpoint,
    pub vasco: Endpoint,
    pub upvest: UpvestEndpoint,
    pub bunq: BunqEndpoint,
}

pub const TOKEN_TTL_SECS: i64 = 12 * 3600;

/// A running sandbox; it stops when dropped.
pub struct SandboxHandle {
    pub addr: SocketAddr,
    pub world: Arc<data::World>,
    pub review: Arc<review::Review>,
    pub faults: Arc<faults::Faults>,
    pub healthmov: Arc<healthmov::Healthmov>,
    pub vasco: Arc<vasco::Vasco>,
    pub upvest: Arc<upvest::Upvest>,
    pub bunq: Arc<bunq::Bunq>,
    /// Each API's injected faults (off unless set).
    pub api_faults: Arc<faults::ApiFaults>,
    keys: Arc<auth::JwtKeys>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl SandboxHandle {
    pub fn unioo_url(&self) -> String {
        format!("http://{}/unioo/graphql", self.addr)
    }

    /// A Unioo token that expires `ttl_secs` from now (negative for one already expired).
    pub fn mint_unioo_token(&self, ttl_secs: i64) -> String {
        self.keys.mint("sandbox-operator", ttl_secs)
    }

    pub fn healthmov_url(&self) -> String {
        format!("http://{}/healthmov/graphql", self.addr)
    }

    pub fn vasco_url(&self) -> String {
        format!("http://{}/vasco/graphql", self.addr)
    }

    pub fn upvest_url(&self) -> String {
        format!("http://{}/upvest", self.addr)
    }

    /// The bunq API's base URL, `/v1` included, as bunq gives it.
    pub fn bunq_url(&self) -> String {
        format!("http://{}/bunq/v1", self.addr)
    }

    pub fn credentials(&self) -> Credentials {
        Secrets {
            jwt: &self.keys,
            healthmov: &self.healthmov.tokens,
            vasco_token: &self.vasco.token,
            upvest: &self.upvest.auth,
            bunq_api_key: &self.bunq.api_key,
        }
        .credentials(self.addr)
    }
}

/// What the credentials are made of, wherever they are kept.
struct Secrets<'a> {
    jwt: &'a auth::JwtKeys,
    healthmov: &'a healthmov::auth::Tokens,
    vasco_token: &'a str,
    upvest: &'a upvest::auth::Auth,
    bunq_api_key: &'a str,
}

impl Secrets<'_> {
    fn credentials(&self, addr: SocketAddr) -> Credentials {
        Credentials {
            unioo: Endpoint {
                url: format!("http://{addr}/unioo/graphql"),
                token: self.jwt.mint("sandbox-operator", TOKEN_TTL_SECS),
            },
            healthmov: LoginEndpoint {
                url: format!("http://{addr}/healthmov/graphql"),
                username: self.healthmov.username.clone(),
                password: self.healthmov.password.clone(),
            },
            vasco: Endpoint {
                url: format!("http://{addr}/vasco/graphql"),
                token: self.vasco_token.to_string(),
            },
            upvest: UpvestEndpoint {
                url: format!("http://{addr}/upvest"),
                client_id: self.upvest.client_id.clone(),
                client_secret: self.upvest.client_secret.clone(),
                key_id: self.upvest.key_id.clone(),
                private_key_path: self.upvest.key_path.clone(),
            },
            bunq: BunqEndpoint {
                url: format!("http://{addr}/bunq/v1"),
                api_key: self.bunq_api_key.to_string(),
            },
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub struct Sandbox;

/// A sandbox whose port is bound and whose credentials are made, but which does not serve
/// yet: clients can be set up (and connect: the kernel queues them) while [`Bound::serve`]
/// generates the data.
pub struct Bound {
    opts: SandboxOptions,
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    keys: Arc<auth::JwtKeys>,
    healthmov_tokens: healthmov::auth::Tokens,
    vasco_token: String,
    upvest_auth: upvest::auth::Auth,
    bunq_api_key: String,
    api_faults: Arc<faults::ApiFaults>,
}

impl Sandbox {
    /// Generates the data, binds the listener and serves in a background task.
    pub async fn start(opts: SandboxOptions) -> std::io::Result<SandboxHandle> {
        Ok(Sandbox::bind(opts).await?.serve())
    }

    /// Binds the listener and makes the credentials; quick (no data, no key generation).
    /// Bad options (a fault that does not parse) are refused here.
    pub async fn bind(opts: SandboxOptions) -> std::io::Result<Bound> {
        let api_faults = Arc::new(faults::ApiFaults::default());
        for spec in &opts.faults {
            api_faults
                .set(spec)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        }
        let upvest_auth = upvest::auth::Auth::new(opts.upvest_token_ttl_secs)?;
        let listener = tokio::net::TcpListener::bind(opts.listen).await?;
        let addr = listener.local_addr()?;
        Ok(Bound {
            keys: Arc::new(auth::JwtKeys::random()),
            healthmov_tokens: healthmov::auth::Tokens::new(opts.healthmov_token_ttl_secs),
            vasco_token: vasco::Vasco::new_token(),
            bunq_api_key: bunq::Bunq::new_api_key(),
            upvest_auth,
            api_faults,
            listener,
            addr,
            opts,
        })
    }
}

impl Bound {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What [`SandboxHandle::credentials`] will give, known before the data is.
    pub fn credentials(&self) -> Credentials {
        Secrets {
            jwt: &self.keys,
            healthmov: &self.healthmov_tokens,
            vasco_token: &self.vasco_token,
            upvest: &self.upvest_auth,
            bunq_api_key: &self.bunq_api_key,
        }
        .credentials(self.addr)
    }

    /// Generates the data and serves in a background task (call it inside a tokio runtime).
    pub fn serve(self) -> SandboxHandle {
        let Bound {
            opts,
            listener,
            addr,
            keys,
            healthmov_tokens,
            vasco_token,
            upvest_auth,
            bunq_api_key,
            api_faults,
        } = self;
        let world = Arc::new(data::World::generate(opts.seed, opts.people));
        let review = Arc::new(review::Review::default());
        let faults = Arc::new(faults::Faults::default());
        let healthmov = Arc::new(healthmov::Healthmov::new(
            opts.seed,
            healthmov_tokens,
            opts.healthmov_today,
        ));
        let hm = HealthmovState {
            schema: healthmov::schema(healthmov.clone()),
            healthmov: healthmov.clone(),
            limit: Arc::new(ratelimit::RateLimit::new(opts.healthmov_rate_limit)),
        };
        let vasco = Arc::new(vasco::Vasco::new(opts.seed, vasco_token));
        let upvest = Arc::new(upvest::Upvest::new(
            upvest_auth,
            opts.seed,
            40,
            opts.upvest_rate_limit,
        ));
        let bunq = Arc::new(bunq::Bunq::new(
            &world,
            bunq::USERS,
            opts.bunq_rate_window_ms,
            opts.bunq_session_timeout_secs,
            bunq_api_key,
        ));
        let app = router(
            unioo::schema(world.clone(), review.clone(), faults.clone()),
            keys.clone(),
            hm,
            vasco.clone(),
            &api_faults,
        )
        .nest(
            "/upvest",
            faulty(upvest::router(upvest.clone()), "upvest", &api_faults),
        )
        .nest(
            "/bunq",
            faulty(bunq::router(bunq.clone()), "bunq", &api_faults),
        );
        let (tx, rx) = oneshot::channel();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        tracing::info!(%addr, people = opts.people, "sandbox listening");
        SandboxHandle {
            addr,
            world,
            review,
            faults,
            healthmov,
            vasco,
            upvest,
            bunq,
            api_faults,
            keys,
            shutdown: Some(tx),
        }
    }
}

async fn unioo_graphql(State(schema): State<unioo::UniooSchema>, req: GraphQLRequest) -> Response {
    let marker = unioo::DropMarker::default();
    let response = schema.execute(req.into_inner().data(marker.clone())).await;
    if marker.is_set() {
        return lost_response();
    }
    GraphQLResponse::from(response).into_response()
}

/// Headers go out, then the body fails: the client sees the connection break after the
/// change was committed.
fn lost_response() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected fault",
        ))
    });
    Response::new(axum::body::Body::from_stream(failing))
}

#[derive(Clone)]
struct HealthmovState {
    schema: healthmov::HealthmovSchema,
    healthmov: Arc<healthmov::Healthmov>,
    limit: Arc<ratelimit::RateLimit>,
}

/// Rate limit first (429 with Retry-After), then the operation; a refused token is HTTP 401.
async fn healthmov_graphql(
    State(s): State<HealthmovState>,
    headers: axum::http::HeaderMap,
    req: GraphQLRequest,
) -> Response {
    use axum::http::{StatusCode, header};
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok());
    let caller = s.healthmov.tokens.caller(authorization);
    let client = match &caller {
        healthmov::auth::Caller::Valid { user, .. } => user.clone(),
        _ => "anonymous".to_string(),
    };
    if let Err(wait) = s.limit.check(&client) {
        let body = serde_json::json!({
            "errors": [{ "message": format!("Too many requests: retry after {wait} s."), "extensions": { "code": "RATE_LIMITED" } }]
        });
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.to_string())],
            axum::Json(body),
        )
            .into_response();
    }
    let raw = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let request = req
        .into_inner()
        .data(caller)
        .data(healthmov::RawAuthorization(raw));
    let response = s.schema.execute(request).await;
    let refused = response.errors.iter().any(|e| {
        e.extensions.as_ref().and_then(|x| x.get("code"))
            == Some(&async_graphql::Value::from(healthmov::UNAUTHENTICATED))
    });
    let status = if refused {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    (status, GraphQLResponse::from(response)).into_response()
}

#[derive(Clone)]
struct VascoState {
    schema: vasco::VascoSchema,
    vasco: Arc<vasco::Vasco>,
}

/// The bearer token first (HTTP 401 with a JSON error), then the operation.
async fn vasco_graphql(
    State(s): State<VascoState>,
    headers: axum::http::HeaderMap,
    req: GraphQLRequest,
) -> Response {
    use axum::http::{StatusCode, header};
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    if presented.map(str::trim) != Some(s.vasco.token.as_str()) {
        let body = serde_json::json!({
            "errors": [{ "message": "Missing or invalid bearer token.", "extensions": { "code": "UNAUTHENTICATED" } }]
        });
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    GraphQLResponse::from(s.schema.execute(req.into_inner()).await).into_response()
}

/// One API's routes behind its fault switch.
fn faulty(r: Router, api: &'static str, f: &Arc<faults::ApiFaults>) -> Router {
    r.layer(middleware::from_fn_with_state(f.clone(), faults::inject))
        .layer(axum::Extension(api))
}

fn router(
    schema: unioo::UniooSchema,
    keys: Arc<auth::JwtKeys>,
    hm: HealthmovState,
    v: Arc<vasco::Vasco>,
    f: &Arc<faults::ApiFaults>,
) -> Router {
    let vasco = Router::new()
        .route("/graphql", post(vasco_graphql))
        .with_state(VascoState {
            schema: vasco::schema(v.clone()),
            vasco: v,
        });
    let unioo = Router::new()
        .route("/graphql", post(unioo_graphql))
        .with_state(schema)
        .layer(middleware::from_fn_with_state(keys, auth::require_bearer));
    let healthmov = Router::new()
        .route("/graphql", post(healthmov_graphql))
        .with_state(hm);
    Router::new()
        .nest("/unioo", faulty(unioo, "unioo", f))
        .nest("/healthmov", faulty(healthmov, "healthmov", f))
        .nest("/vasco", faulty(vasco, "vasco", f))
}
