//! Bearer JWTs as the Unioo API takes them. The sandbox signs with a key made at start-up, so a
//! token is good only for the sandbox that issued it.

use axum::{
    Json,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    iat: i64,
    exp: i64,
}

const ISSUER: &str = "backoffice-sandbox";

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// A random secret as 64 hex characters (sandbox tokens and client secrets).
pub fn random_hex() -> String {
    random_secret().iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes for an HS256 key, made at start-up: tokens are good only for the sandbox
/// that issued them.
pub fn random_secret() -> Vec<u8> {
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .chain(uuid::Uuid::new_v4().as_bytes())
        .copied()
        .collect()
}

impl JwtKeys {
    pub fn random() -> JwtKeys {
        let secret = random_secret();
        JwtKeys {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
        }
    }

    /// A token for `subject` that expires `ttl_secs` from now (negative: already expired).
    pub fn mint(&self, subject: &str, ttl_secs: i64) -> String {
        let now = jiff::Timestamp::now().as_second();
        let claims = Claims {
            sub: subject.into(),
            iss: ISSUER.into(),
            iat: now,
            exp: now + ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing does not fail")
    }

    fn check(&self, token: &str) -> Result<(), &'static str> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 0;
        v.set_issuer(&[ISSUER]);
        v.set_required_spec_claims(&["exp", "iss", "sub"]);
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &v) {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.kind(), ErrorKind::ExpiredSignature) => {
                Err("The access token has expired.")
            }
            Err(_) => Err("The access token is not valid."),
        }
    }
}

/// Rejects a request without a valid bearer token with HTTP 401 and a GraphQL-style JSON error.
pub async fn require_bearer(
    State(keys): State<Arc<JwtKeys>>,
    req: Request,
    next: Next,
) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok());
    let verdict = match header {
        None => Err("The request has no Authorization header; send `Authorization: Bearer <JWT>`."),
        Some(h) => match h.strip_prefix("Bearer ") {
            None => Err("The Authorization header must use the Bearer scheme."),
            Some(t) => keys.check(t.trim()),
        },
    };
    match verdict {
        Ok(()) => next.run(req).await,
        Err(message) => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(serde_json::json!({
                "errors": [{ "message": message, "extensions": { "code": "AUTH_NOT_AUTHENTICATED" } }]
            })),
        )
            .into_response(),
    }
}
