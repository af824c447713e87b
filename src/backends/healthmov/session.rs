//! A Healthmov login session. The access token is refreshed a little before it expires, and once
//! more after a 401; when the refresh token is refused the session logs in again with the
//! password it holds; when the password is refused the caller is told to log in again.

use super::queries as q;
use crate::backends::graphql::{GraphqlClient, StaticToken, TokenSource};
use crate::backends::http::HttpSettings;
use crate::backends::{BackendError, BoxFut};
use cynic::MutationBuilder;
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::Mutex;

/// Refresh when the access token has less than this left.
pub const REFRESH_MARGIN_SECS: i64 = 30;

const REFUSED: &str = "the username or password was refused; log in again with the right ones";

struct Tokens {
    access: SecretString,
    expires: jiff::Timestamp,
    refresh: SecretString,
}

pub struct HealthmovSession {
    username: String,
    /// `None` until the operator types it (when config names no env or command).
    password: std::sync::Mutex<Option<SecretString>>,
    url: reqwest::Url,
    settings: HttpSettings,
    /// For login and refresh, which carry no access token.
    anonymous: GraphqlClient,
    tokens: Mutex<Option<Tokens>>,
    logins: AtomicU32,
    refreshes: AtomicU32,
    /// The last password was refused: say so until a new one is typed.
    refused_password: std::sync::atomic::AtomicBool,
}

fn refused(detail: &str) -> BackendError {
    BackendError::Unauthorized {
        backend: super::NAME,
        request_id: "-".into(),
        detail: detail.into(),
    }
}

fn tokens(p: Option<q::TokenPayload>) -> Result<Tokens, BackendError> {
    let p = p.ok_or_else(|| refused("no tokens in the answer"))?;
    let (Some(access), Some(refresh)) = (p.access_token, p.refresh_token) else {
        return Err(refused("no tokens in the answer"));
    };
    let expires = p
        .access_token_expiration_date
        .and_then(|d| d.timestamp())
        .unwrap_or_else(|| jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60));
    Ok(Tokens {
        access: SecretString::from(access),
        expires,
        refresh: SecretString::from(refresh),
    })
}

impl HealthmovSession {
    pub fn new(
        url: reqwest::Url,
        username: String,
        password: Option<SecretString>,
        settings: HttpSettings,
    ) -> Self {
        let anonymous = GraphqlClient::with_auth(
            super::NAME,
            url.clone(),
            Arc::new(StaticToken(None)),
            settings,
        );
        HealthmovSession {
            username,
            password: std::sync::Mutex::new(password),
            url,
            settings,
            anonymous,
            tokens: Mutex::new(None),
            logins: AtomicU32::new(0),
            refreshes: AtomicU32::new(0),
            refused_password: Default::default(),
        }
    }

    /// (logins, refreshes) so far: what the session had to do to stay valid.
    pub fn counts(&self) -> (u32, u32) {
        (
            self.logins.load(Ordering::Relaxed),
            self.refreshes.load(Ordering::Relaxed),
        )
    }

    async fn login(&self) -> Result<Tokens, BackendError> {
        let password = self
            .password
            .lock()
            .map_err(|_| refused("the password store is unusable"))?
            .clone()
            .ok_or_else(|| {
                if self.refused_password.load(Ordering::Relaxed) {
                    refused(REFUSED)
                } else {
                    BackendError::LoginNeeded {
                        backend: super::NAME,
                    }
                }
            })?;
        self.logins.fetch_add(1, Ordering::Relaxed);
        let vars = q::LoginVars {
            username: self.username.clone(),
            password: password.expose_secret().to_string(),
        };
        match self.anonymous.run_once(q::Login::build(vars)).await {
            Ok(l) => tokens(l.login.map(Into::into)),
            Err(e) if e.code() == Some("INVALID_CREDENTIALS") => {
                // A refused password is not tried again by itself.
                if let Ok(mut p) = self.password.lock() {
                    *p = None;
                }
                self.refused_password.store(true, Ordering::Relaxed);
                Err(refused(REFUSED))
            }
            Err(e) => Err(e),
        }
    }

    /// A new pair of tokens: by refresh if possible, else by logging in again.
    async fn renew_locked(&self, current: &mut Option<Tokens>) -> Result<(), BackendError> {
        if let Some(t) = current.take() {
            self.refreshes.fetch_add(1, Ordering::Relaxed);
            let vars = q::RefreshVars {
                refresh_token: Some(t.refresh.expose_secret().to_string()),
            };
            match self.anonymous.run_once(q::Refresh::build(vars)).await {
                Ok(r) => {
                    *current = Some(tokens(r.refresh_token.map(Into::into))?);
                    return Ok(());
                }
                Err(BackendError::Unauthorized { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        *current = Some(self.login().await?);
        Ok(())
    }

    /// Logs in with a password the operator typed; kept for later re-logins if accepted.
    pub async fn log_in(&self, password: SecretString) -> Result<(), BackendError> {
        *self
            .password
            .lock()
            .map_err(|_| refused("the password store is unusable"))? = Some(password);
        self.refused_password.store(false, Ordering::Relaxed);
        let mut t = self.tokens.lock().await;
        *t = Some(self.login().await?);
        Ok(())
    }

    /// The user name logged in as, for the login prompt.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Ends the session on the server (on quit). Nothing to do when never logged in.
    pub async fn logout(&self) -> Result<(), BackendError> {
        let Some(t) = self.tokens.lock().await.take() else {
            return Ok(());
        };
        let client = GraphqlClient::with_auth(
            super::NAME,
            self.url.clone(),
            Arc::new(StaticToken(Some(t.access))),
            self.settings,
        );
        client.run_once(q::Logout::build(())).await.map(|_| ())
    }
}

impl TokenSource for HealthmovSession {
    fn token(&self) -> BoxFut<'_, Option<SecretString>> {
        Box::pin(async move {
            let mut t = self.tokens.lock().await;
            let soon =
                jiff::Timestamp::now() + jiff::SignedDuration::from_secs(REFRESH_MARGIN_SECS);
            if t.as_ref().is_none_or(|t| t.expires <= soon) {
                self.renew_locked(&mut t).await?;
            }
            Ok(t.as_ref().map(|t| t.access.clone()))
        })
    }

    fn renew(&self) -> BoxFut<'_, bool> {
        Box::pin(async move {
            let mut t = self.tokens.lock().await;
            self.renew_locked(&mut t).await?;
            Ok(true)
        })
    }
}
