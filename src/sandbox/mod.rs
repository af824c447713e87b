//! The embedded sandbox: real HTTP servers on loopback that speak each backend's wire format
//! with deterministic fake data. The binary and the tests start it the same way.

pub mod auth;
pub mod data;
pub mod faults;
pub mod paging;
pub mod review;
pub mod unioo;

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
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: data::DEFAULT_SEED,
            people: data::DEFAULT_PEOPLE,
        }
    }
}

/// How to reach one sandbox API.
#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    pub url: String,
    /// A bearer token valid for [`TOKEN_TTL_SECS`].
    pub token: String,
}

/// What `backoffice sandbox` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Credentials {
    pub unioo: Endpoint,
}

pub const TOKEN_TTL_SECS: i64 = 12 * 3600;

/// A running sandbox; it stops when dropped.
pub struct SandboxHandle {
    pub addr: SocketAddr,
    pub world: Arc<data::World>,
    pub review: Arc<review::Review>,
    pub faults: Arc<faults::Faults>,
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

    pub fn credentials(&self) -> Credentials {
        Credentials {
            unioo: Endpoint {
                url: self.unioo_url(),
                token: self.mint_unioo_token(TOKEN_TTL_SECS),
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

impl Sandbox {
    /// Generates the data, binds the listener and serves in a background task.
    pub async fn start(opts: SandboxOptions) -> std::io::Result<SandboxHandle> {
        let world = Arc::new(data::World::generate(opts.seed, opts.people));
        let keys = Arc::new(auth::JwtKeys::random());
        let review = Arc::new(review::Review::default());
        let faults = Arc::new(faults::Faults::default());
        let app = router(
            unioo::schema(world.clone(), review.clone(), faults.clone()),
            keys.clone(),
        );
        let listener = tokio::net::TcpListener::bind(opts.listen).await?;
        let addr = listener.local_addr()?;
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
        Ok(SandboxHandle {
            addr,
            world,
            review,
            faults,
            keys,
            shutdown: Some(tx),
        })
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

fn router(schema: unioo::UniooSchema, keys: Arc<auth::JwtKeys>) -> Router {
    let unioo = Router::new()
        .route("/graphql", post(unioo_graphql))
        .with_state(schema)
        .layer(middleware::from_fn_with_state(keys, auth::require_bearer));
    Router::new().nest("/unioo", unioo)
}
