//! The Healthmov client's session against the sandbox: it stays logged in across token expiry,
//! recovers from a session ended on the server, and says so when the password is refused.

use backoffice::backends::healthmov::HealthmovClient;
use backoffice::backends::{BackendError, Onboarding};
use backoffice::sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use secrecy::SecretString;

pub async fn start(ttl: i64) -> SandboxHandle {
    Sandbox::start(SandboxOptions {
        people: 20,
        healthmov_token_ttl_secs: ttl,
        healthmov_rate_limit: 0,
        ..Default::default()
    })
    .await
    .unwrap()
}

pub fn client(s: &SandboxHandle, password: Option<&str>) -> HealthmovClient {
    let c = s.credentials().healthmov;
    let password = password.map(String::from).unwrap_or(c.password);
    HealthmovClient::new(
        c.url.parse().unwrap(),
        c.username,
        Some(SecretString::from(password)),
        Default::default(),
    )
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire_and_paging_works() {
    let s = start(2).await;
    let c = client(&s, None);
    let first = c.companies(None).await.unwrap();
    assert_eq!(first.items.len(), 5);
    assert!(first.next_cursor.is_some());
    // Each access token lives 2 s, inside the 30 s refresh margin: every call refreshes first
    // and none needs a new login.
    for _ in 0..4 {
        c.companies(None)
            .await
            .expect("the session keeps itself valid");
    }
    let (logins, refreshes) = c.session.counts();
    assert_eq!(logins, 1);
    assert!(refreshes >= 4, "{refreshes} refreshes");
    let mut after = None;
    let mut seen = 0;
    loop {
        let p = c.companies(after).await.unwrap();
        seen += p.items.len();
        match p.next_cursor {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, 12);
}

#[tokio::test]
async fn a_session_ended_on_the_server_is_renewed_once_by_logging_in_again() {
    use backoffice::backends::graphql::TokenSource;
    use secrecy::ExposeSecret;
    let s = start(600).await;
    let c = client(&s, None);
    c.companies(None).await.unwrap();
    // The session is ended behind the client's back: its next call gets a 401.
    let token = c.session.token().await.unwrap().unwrap();
    let auth = format!("Bearer {}", token.expose_secret());
    let (_, body) = crate::common::post(
        &s.healthmov_url(),
        Some(&auth),
        "mutation { logout { ok } }",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(body["data"]["logout"]["ok"], true);
    c.companies(None)
        .await
        .expect("refresh is refused, so it logs in again and resends once");
    assert_eq!(c.session.counts(), (2, 1));
}

#[tokio::test]
async fn a_refused_password_asks_to_log_in_again_without_looping() {
    let s = start(600).await;
    let c = client(&s, Some("wrong"));
    let e = c.companies(None).await.unwrap_err();
    assert!(
        matches!(&e, BackendError::Unauthorized { detail, .. } if detail.contains("log in again")),
        "{e}"
    );
    assert!(
        !e.to_string().contains("wrong"),
        "the password never appears in an error"
    );
    assert!(c.session.counts().0 <= 2, "{:?}", c.session.counts());
}

#[tokio::test]
async fn without_a_password_the_client_asks_for_a_login_and_sends_nothing() {
    let s = start(600).await;
    let creds = s.credentials().healthmov;
    let c = HealthmovClient::new(
        creds.url.parse().unwrap(),
        creds.username,
        None,
        Default::default(),
    );
    let e = c.companies(None).await.unwrap_err();
    assert!(matches!(e, BackendError::LoginNeeded { .. }), "{e:?}");
    assert!(!e.to_string().contains("refused"), "{e}");
    assert_eq!(c.session.counts(), (0, 0), "no login was tried");
}

#[tokio::test]
async fn a_429_is_waited_out_and_nothing_is_lost() {
    let s = Sandbox::start(SandboxOptions {
        people: 20,
        healthmov_rate_limit: 2,
        ..Default::default()
    })
    .await
    .unwrap();
    let c = client(&s, None);
    let started = std::time::Instant::now();
    for _ in 0..6 {
        c.companies(None)
            .await
            .expect("throttled calls are retried after Retry-After");
    }
    // Six calls (plus the login) at two a second cannot all fit in the first second.
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

/// The console over a Healthmov client that has no password yet (the profile names no env or
/// command): the first list asks for it, a wrong one is refused with the reason, the right one
/// logs in and the list loads.
#[tokio::test]
async fn the_console_asks_for_the_password_and_again_when_it_is_refused() {
    use backoffice::app::action::{Action, Effect};
    use backoffice::app::features::ViewKind;
    use backoffice::app::runner::{Backends, perform};
    use backoffice::app::state::{ProfileInfo, State};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::sync::Arc;

    let s = start(600).await;
    let creds = s.credentials().healthmov;
    let asks = HealthmovClient::new(
        creds.url.parse().unwrap(),
        creds.username.clone(),
        None,
        Default::default(),
    );
    let unioo = Arc::new(crate::common::client(&s));
    let b = Backends {
        people: unioo.clone(),
        review: unioo.clone(),
        staff: unioo,
        onboarding: Some(Arc::new(asks)),
        platform: None,
        end_users: None,
        bank_users: None,
        audit: backoffice::console::open_audit(None, Default::default()),
        team: crate::common::no_team(),
    };
    let mut profile = ProfileInfo::new("t", "Unioo");
    profile.healthmov_user = Some(creds.username.clone());
    let mut st = State::new(
        profile,
        (80, 24),
        std::time::Instant::now(),
        jiff::civil::date(2026, 11, 23),
    );
    async fn act(st: &mut State, b: &Backends, a: Action) {
        let mut queue = vec![a];
        while let Some(a) = queue.pop() {
            for e in backoffice::app::update(st, a) {
                if let Effect::Call { req, call } = e {
                    queue.push(Action::Loaded {
                        req,
                        result: perform(b, call).await,
                    });
                }
            }
        }
    }
    async fn keys(st: &mut State, b: &Backends, text: &str) {
        for c in text.chars() {
            let code = match c {
                '\r' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                c => KeyCode::Char(c),
            };
            act(st, b, Action::Key(KeyEvent::new(code, KeyModifiers::NONE))).await;
        }
    }
    keys(&mut st, &b, "\x1bo").await;
    let login = st.login.as_ref().expect("the login prompt opens");
    // Nothing has been refused yet: the first login only asks.
    assert_eq!(login.error, None);
    assert!(matches!(
        login.kind,
        backoffice::app::state::PromptKind::Login { refused: false, .. }
    ));
    assert_eq!(st.last_error, None);
    keys(&mut st, &b, "wrong\r").await;
    let login = st.login.as_ref().expect("still asking");
    assert!(
        login.error.as_deref().unwrap().contains("refused"),
        "{:?}",
        login.error
    );
    keys(&mut st, &b, &format!("{}\r", creds.password)).await;
    assert!(st.login.is_none());
    let ViewKind::Companies(l) = &st.top().kind else {
        panic!("the companies list")
    };
    assert_eq!(l.rows.len(), 12, "loaded after logging in");
}
