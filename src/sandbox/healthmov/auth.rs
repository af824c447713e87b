//! Healthmov sessions: `login` gives a short-lived access JWT and a refresh token; `refreshToken`
//! rotates both; `logout` ends the session. Short access lifetimes make clients exercise refresh.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    /// The session: logout ends it, with every token it issued.
    sid: String,
    exp: i64,
}

/// What the Authorization header carried.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    Anonymous,
    Valid { user: String, session: String },
    Refused(&'static str),
}

pub struct Tokens {
    pub username: String,
    pub password: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// refresh token -> (user, session, expiry)
    refresh: Mutex<HashMap<String, (String, String, i64)>>,
    ended: Mutex<HashSet<String>>,
}

pub struct Issued {
    pub access: String,
    pub access_expires: jiff::Timestamp,
    pub refresh: String,
    pub refresh_expires: jiff::Timestamp,
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn ts(secs: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

impl Tokens {
    pub fn new(access_ttl_secs: i64) -> Tokens {
        let secret = crate::sandbox::auth::random_secret();
        Tokens {
            username: "hr@healthmov.example.com".into(),
            password: format!(
                "sandbox-{}",
                &uuid::Uuid::new_v4().simple().to_string()[..12]
            ),
            access_ttl_secs,
            refresh_ttl_secs: 24 * 3600,
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            refresh: Mutex::new(HashMap::new()),
            ended: Mutex::new(HashSet::new()),
        }
    }

    fn issue(&self, user: &str, session: &str) -> Issued {
        let exp = now() + self.access_ttl_secs;
        let claims = Claims {
            sub: user.into(),
            sid: session.into(),
            exp,
        };
        let access = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signs");
        let refresh = uuid::Uuid::new_v4().simple().to_string();
        let refresh_exp = now() + self.refresh_ttl_secs;
        self.refresh
            .lock()
            .expect("tokens")
            .insert(refresh.clone(), (user.into(), session.into(), refresh_exp));
        Issued {
            access,
            access_expires: ts(exp),
            refresh,
            refresh_expires: ts(refresh_exp),
        }
    }

    pub fn login(&self, username: &str, password: &str) -> Option<Issued> {
        (username == self.username && password == self.password)
            .then(|| self.issue(username, &uuid::Uuid::new_v4().simple().to_string()))
    }

    /// Rotates: the old refresh token stops working.
    pub fn refresh(&self, token: &str) -> Result<Issued, &'static str> {
        let found = self.refresh.lock().expect("tokens").remove(token);
        match found {
            None => Err("The refresh token is not valid (unknown, already used, or logged out)."),
            Some((_, _, exp)) if exp < now() => Err("The refresh token has expired: log in again."),
            Some((user, session, _)) if !self.ended.lock().expect("tokens").contains(&session) => {
                Ok(self.issue(&user, &session))
            }
            Some(_) => Err("The session has ended: log in again."),
        }
    }

    pub fn logout(&self, session: &str) {
        self.ended.lock().expect("tokens").insert(session.into());
        self.refresh
            .lock()
            .expect("tokens")
            .retain(|_, (_, s, _)| s != session);
    }

    pub fn caller(&self, authorization: Option<&str>) -> Caller {
        let Some(h) = authorization else {
            return Caller::Anonymous;
        };
        let Some(token) = h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("JWT ")) else {
            return Caller::Refused("The Authorization header must be `Bearer <access_token>`.");
        };
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 0;
        v.set_required_spec_claims(&["exp", "sub"]);
        match jsonwebtoken::decode::<Claims>(token.trim(), &self.decoding, &v) {
            Ok(d) if self.ended.lock().expect("tokens").contains(&d.claims.sid) => {
                Caller::Refused("The session has ended (logged out): log in again.")
            }
            Ok(d) => Caller::Valid {
                user: d.claims.sub,
                session: d.claims.sid,
            },
            Err(e) if matches!(e.kind(), ErrorKind::ExpiredSignature) => {
                Caller::Refused("The access token has expired.")
            }
            Err(_) => Caller::Refused("The access token is not valid."),
        }
    }
}
