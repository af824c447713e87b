//! A hostile server for the clients, in one of a few moods: it answers with a body larger than
//! any cap (declared or not), a page with more items than asked, a document that is an image
//! bomb, or bytes trickling one at a time. It stands in front of a real sandbox (the GraphQL
//! APIs and Upvest are proxied, their answers rewritten) and plays bunq itself (bunq signs its
//! answers, so a rewritten one would be refused for its signature, not for its size).
//!
//! Shared by the integration tests (`tests/it/hostile.rs`) and the bench that measures the
//! console's memory against it (`benches/hostile.rs`).
#![allow(dead_code)]

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use backoffice::backends::bunq::signing;
use backoffice::sandbox::Credentials;
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How the server misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mood {
    /// Every answer is 1 GiB of JSON-looking bytes, sent as fast as it is read.
    Huge,
    /// Every answer declares a 1 GiB Content-Length.
    HugeDeclared,
    /// Every page holds this many items, whatever was asked.
    Flood(usize),
    /// A document's scan is a PNG declaring 16000×10000 pixels (a few kilobytes).
    ImageBomb,
    /// Every answer's bytes come one at a time, 100 ms apart, without end.
    Trickle,
}

impl Mood {
    pub fn parse(s: &str) -> Option<Mood> {
        Some(match s {
            "huge" => Mood::Huge,
            "huge-declared" => Mood::HugeDeclared,
            "image-bomb" => Mood::ImageBomb,
            "trickle" => Mood::Trickle,
            _ => Mood::Flood(s.strip_prefix("flood-")?.parse().ok()?),
        })
    }

    pub fn name(self) -> String {
        match self {
            Mood::Huge => "huge".into(),
            Mood::HugeDeclared => "huge-declared".into(),
            Mood::Flood(n) => format!("flood-{n}"),
            Mood::ImageBomb => "image-bomb".into(),
            Mood::Trickle => "trickle".into(),
        }
    }
}

/// The width and height the image bomb declares.
pub const BOMB: (u32, u32) = (16_000, 10_000);
const HUGE: u64 = 1 << 30;
const BUNQ: &str = "/hostile-bunq/v1";

struct Shared {
    mood: Mood,
    /// The sandbox's address (`http://127.0.0.1:PORT`).
    upstream: String,
    http: reqwest::Client,
}

/// A running hostile server; it stops when dropped.
pub struct Hostile {
    pub addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hostile {
    /// Starts in `mood` in front of the sandbox at `upstream` (`http://127.0.0.1:PORT`).
    pub async fn start(mood: Mood, upstream: &str) -> Hostile {
        let shared = Arc::new(Shared {
            mood,
            upstream: upstream.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
        });
        let app = axum::Router::new().fallback(answer).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Hostile { addr, task }
    }

    /// The sandbox's credentials, every URL pointing here instead.
    pub fn credentials(&self, sandbox: &Credentials) -> Credentials {
        let mut c = sandbox.clone();
        let here = |url: &str| {
            let mut u = reqwest::Url::parse(url).unwrap();
            u.set_port(Some(self.addr.port())).unwrap();
            u.to_string().trim_end_matches('/').to_string()
        };
        c.unioo.url = here(&c.unioo.url);
        c.healthmov.url = here(&c.healthmov.url);
        c.vasco.url = here(&c.vasco.url);
        c.upvest.url = here(&c.upvest.url);
        c.bunq.url = format!("http://{}{BUNQ}", self.addr);
        c
    }
}

async fn answer(
    axum::extract::State(s): axum::extract::State<Arc<Shared>>,
    req: axum::extract::Request,
) -> Response {
    match s.mood {
        Mood::Huge => return huge(false),
        Mood::HugeDeclared => return huge(true),
        Mood::Trickle => return trickle(),
        Mood::Flood(_) | Mood::ImageBomb => {}
    }
    if req.uri().path().starts_with(BUNQ) {
        return bunq(&s, req).await;
    }
    proxy(&s, req).await
}

fn json_response(body: Body) -> Response {
    let mut r = Response::new(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// 1 GiB of `{"data": ` and spaces, in 64 KiB chunks: valid JSON so far, never finished.
fn huge(declared: bool) -> Response {
    let chunk = Bytes::from(vec![b' '; 64 * 1024]);
    let chunks = (HUGE / chunk.len() as u64) as usize;
    let stream = futures_util::stream::iter(
        std::iter::once(Bytes::from_static(b"{\"data\": "))
            .chain(std::iter::repeat_n(chunk, chunks))
            .map(Ok::<_, std::io::Error>),
    );
    let mut r = json_response(Body::from_stream(stream));
    if declared {
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(HUGE + 9));
    }
    r
}

/// One byte every 100 ms, without end.
fn trickle() -> Response {
    let stream = futures_util::stream::unfold(0u64, |n| async move {
        if n > 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let byte: &'static [u8] = if n == 0 { b"{" } else { b" " };
        Some((Ok::<_, std::io::Error>(Bytes::from_static(byte)), n + 1))
    });
    json_response(Body::from_stream(stream))
}

/// Forwards to the sandbox, then rewrites the answer as the mood says.
async fn proxy(s: &Shared, req: axum::extract::Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    let url = format!(
        "{}{}",
        s.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut forward = s.http.request(parts.method.clone(), url).body(body);
    for (k, v) in &parts.headers {
        if k != header::HOST && k != header::CONTENT_LENGTH {
            forward = forward.header(k, v);
        }
    }
    let Ok(answer) = forward.send().await else {
        return (StatusCode::BAD_GATEWAY, "the sandbox did not answer").into_response();
    };
    let status = answer.status();
    let headers: HeaderMap = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default();
    let rewritten = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut v) => {
            match s.mood {
                Mood::Flood(n) => flood(&mut v, n),
                Mood::ImageBomb => bomb(&mut v),
                _ => {}
            }
            Bytes::from(serde_json::to_vec(&v).unwrap())
        }
        Err(_) => bytes,
    };
    let mut r = Response::new(Body::from(rewritten));
    *r.status_mut() = status;
    for (k, v) in &headers {
        if k != header::CONTENT_LENGTH && k != header::TRANSFER_ENCODING {
            r.headers_mut().insert(k, v.clone());
        }
    }
    r
}

/// Fills every page in `v` to `n` items with copies of its first: a GraphQL connection's
/// `nodes` or `edges` (beside `pageInfo` or `totalCount`), VASCO's `GetUsers`, Upvest's `data`
/// (beside `meta`).
fn flood(v: &mut Value, n: usize) {
    match v {
        Value::Object(o) => {
            let paged = o.contains_key("pageInfo") || o.contains_key("totalCount");
            let listed = o.contains_key("meta");
            for (k, child) in o.iter_mut() {
                let page = (paged && (k == "nodes" || k == "edges"))
                    || k == "GetUsers"
                    || (listed && k == "data");
                match child {
                    Value::Array(items) if page && !items.is_empty() => {
                        let first = items[0].clone();
                        items.resize(n, first);
                    }
                    _ => flood(child, n),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| flood(i, n)),
        _ => {}
    }
}

/// Every document scan (`base64`) becomes the image bomb.
fn bomb(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, child) in o.iter_mut() {
                if k == "base64" && child.is_string() {
                    use base64::Engine;
                    *child = base64::engine::general_purpose::STANDARD
                        .encode(image_bomb())
                        .into();
                } else {
                    bomb(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(bomb),
        _ => {}
    }
}

/// A real PNG of [`BOMB`] pixels, black and white, one bit a pixel: a few tens of kilobytes
/// that decode, unchecked, to over 500 MB.
pub fn image_bomb() -> &'static [u8] {
    static PNG: OnceLock<Vec<u8>> = OnceLock::new();
    PNG.get_or_init(|| {
        png_of(
            BOMB.0,
            BOMB.1,
            png::ColorType::Grayscale,
            png::BitDepth::One,
        )
    })
}

/// A blank PNG of `width`×`height`, written a row at a time (never held decoded).
pub fn png_of(width: u32, height: u32, colour: png::ColorType, depth: png::BitDepth) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(colour);
    encoder.set_depth(depth);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().unwrap();
    let channels = match colour {
        png::ColorType::Grayscale | png::ColorType::Indexed => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
    };
    let bits = width as usize * channels * depth as usize;
    let row = vec![0u8; bits.div_ceil(8)];
    let mut stream = writer.stream_writer().unwrap();
    for _ in 0..height {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
    drop(writer);
    out
}

/// The bunq server key: generated once per process (RSA generation is slow).
fn bunq_key() -> &'static signing::PrivateKey {
    static KEY: OnceLock<signing::PrivateKey> = OnceLock::new();
    KEY.get_or_init(signing::generate)
}

/// Just enough of bunq to open a session (installation, device, session, each answer signed
/// as bunq signs), then a users page of the flood's size.
async fn bunq(s: &Shared, req: axum::extract::Request) -> Response {
    let path = req.uri().path().trim_start_matches(BUNQ).to_string();
    let method = req.method().clone();
    let key = bunq_key();
    let (body, signed) = match (method, path.as_str()) {
        (Method::POST, "/installation") => (
            json!({"Response": [
                {"Id": {"id": 1}},
                {"Token": {"id": 1, "token": "hostile-installation"}},
                {"ServerPublicKey": {"server_public_key": signing::public_pem(key)}}
            ]}),
            false,
        ),
        (Method::POST, "/device-server") => (json!({"Response": [{"Id": {"id": 2}}]}), true),
        (Method::POST, "/session-server") => (
            json!({"Response": [
                {"Id": {"id": 3}},
                {"Token": {"id": 3, "token": "hostile-session"}},
                {"UserApiKey": {"id": 4, "session_timeout": 3600}}
            ]}),
            true,
        ),
        (Method::GET, "/user") => {
            let n = match s.mood {
                Mood::Flood(n) => n,
                _ => 1,
            };
            let users: Vec<Value> = (0..n)
                .map(|i| json!({"UserPerson": {"id": 1000 + i}}))
                .collect();
            (
                json!({"Response": users, "Pagination": {"older_url": null}}),
                true,
            )
        }
        _ => (json!({"Error": [{"error_description": "not here"}]}), true),
    };
    let bytes = serde_json::to_vec(&body).unwrap();
    let mut r = json_response(Body::from(bytes.clone()));
    if signed {
        let signature = signing::sign(key, &bytes);
        r.headers_mut().insert(
            "x-bunq-server-signature",
            HeaderValue::from_str(&signature).unwrap(),
        );
    }
    r
}
