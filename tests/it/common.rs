//! Shared set-up: a sandbox on an ephemeral loopback port and a client for it.

use backoffice::backends::graphql::GraphqlClient;
use backoffice::backends::http::HttpSettings;
use backoffice::backends::unioo::{self, UniooClient};
use backoffice::sandbox::{Sandbox, SandboxHandle, SandboxOptions, TOKEN_TTL_SECS};
use secrecy::SecretString;

pub async fn sandbox(people: usize) -> SandboxHandle {
    Sandbox::start(SandboxOptions {
        people,
        // Healthmov judges access on a fixed day, so screens stay the same over time.
        healthmov_today: Some(jiff::civil::date(2026, 11, 23)),
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

pub fn client(s: &SandboxHandle) -> UniooClient {
    client_with_token(s, s.mint_unioo_token(TOKEN_TTL_SECS))
}

pub fn client_with_token(s: &SandboxHandle, token: String) -> UniooClient {
    let gql = GraphqlClient::new(
        unioo::NAME,
        s.unioo_url().parse().unwrap(),
        SecretString::from(token),
        HttpSettings::default(),
    );
    UniooClient::new(gql)
}

/// Posts a raw GraphQL request; returns the status and the JSON body.
pub async fn post(
    url: &str,
    auth: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new()
        .post(url)
        .json(&serde_json::json!({ "query": query, "variables": variables }));
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.expect("the sandbox answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON body"))
}

pub fn bearer(s: &SandboxHandle) -> String {
    format!("Bearer {}", s.mint_unioo_token(TOKEN_TTL_SECS))
}

/// Polls `cond` until it holds or `deadline` passes: tests never sleep for a fixed time.
pub fn wait_until(what: &str, deadline: std::time::Duration, mut cond: impl FnMut() -> bool) {
    let end = std::time::Instant::now() + deadline;
    while !cond() {
        assert!(
            std::time::Instant::now() < end,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

use backoffice::app::runner::{Audit, Backends};
use std::sync::Arc;

/// A scratch directory for one test (removed on drop).
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let p =
            std::env::temp_dir().join(format!("backoffice-it-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the console's runner uses, against this sandbox, auditing to `audit_log`.
pub fn backends(s: &SandboxHandle, audit_log: &std::path::Path) -> Backends {
    let c = Arc::new(client(s));
    let actor = backoffice::audit::Actor {
        operator: Some("Test Operator".into()),
        os_user: "tester".into(),
        host: "ci".into(),
        ssh_client: None,
        profile: "sandbox".into(),
    };
    Backends {
        people: c.clone(),
        review: c.clone(),
        staff: c,
        onboarding: Some(Arc::new(healthmov(s))),
        platform: Some(Arc::new(crate::vasco_client::client(s))),
        end_users: Some(Arc::new(crate::upvest::client(s))),
        bank_users: Some(Arc::new(crate::bunq::client(s, None))),
        audit: backoffice::console::open_audit(Some(audit_log.to_path_buf()), actor),
        team: team_beside(audit_log),
    }
}

/// A team store in a SQLite file beside `audit_log`, for an operator of its own.
pub fn team_beside(audit_log: &std::path::Path) -> backoffice::app::team::Team {
    backoffice::app::team::Team::sqlite(
        backoffice::team::Operator::new("tester", Some("Test Operator".into()), "ci"),
        std::time::Duration::from_secs(15 * 60),
        audit_log.with_file_name("team.sqlite"),
    )
}

/// A team store that cannot be opened.
pub fn no_team() -> backoffice::app::team::Team {
    backoffice::app::team::Team::unavailable(
        backoffice::team::Operator::new("tester", None, "ci"),
        "no team store in this test".into(),
    )
}

/// A Healthmov client logged in to this sandbox.
pub fn healthmov(s: &SandboxHandle) -> backoffice::backends::healthmov::HealthmovClient {
    let c = s.credentials().healthmov;
    backoffice::backends::healthmov::HealthmovClient::new(
        c.url.parse().unwrap(),
        c.username,
        Some(secrecy::SecretString::from(c.password)),
        Default::default(),
    )
}

/// Backends whose audit log cannot be written.
pub fn backends_without_audit(s: &SandboxHandle) -> Backends {
    let c = Arc::new(client(s));
    Backends {
        people: c.clone(),
        review: c.clone(),
        staff: c,
        onboarding: Some(Arc::new(healthmov(s))),
        platform: Some(Arc::new(crate::vasco_client::client(s))),
        end_users: Some(Arc::new(crate::upvest::client(s))),
        bank_users: Some(Arc::new(crate::bunq::client(s, None))),
        audit: backoffice::console::open_audit(
            Some("/proc/backoffice-forbidden/audit.jsonl".into()),
            Default::default(),
        ),
        team: no_team(),
    }
}

pub fn audit_is_unavailable(b: &Backends) -> bool {
    matches!(b.audit, Audit::Unavailable { .. })
}

/// The audit log's text without its hashes, correlation ids and times: what could carry
/// personal data. (A hash can hold ten digits that read as a CPR number by chance.)
pub fn audit_content(path: &std::path::Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let o = v.as_object_mut().unwrap();
            for k in ["prev", "hash", "correlation", "time"] {
                o.remove(k);
            }
            v.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// bunq user 2003 of the default sandbox, and its CPR (`DDMMYY-SSSS`), which Unioo knows
/// too: one person in two backends.
pub fn shared_bunq_user() -> (serde_json::Value, String) {
    use backoffice::sandbox::data::{DEFAULT_PEOPLE, DEFAULT_SEED, World};
    let world = World::generate(DEFAULT_SEED, DEFAULT_PEOPLE);
    let mut store =
        backoffice::sandbox::bunq::store::Store::generate(&world, backoffice::sandbox::bunq::USERS);
    let user = store.users.remove(&2003).expect("bunq user 2003");
    let tax = user["tax_resident"][0]["tax_number"]
        .as_str()
        .expect("a tax number")
        .to_string();
    (user.into(), format!("{}-{}", &tax[..6], &tax[6..]))
}

use backoffice::app::action::{Action, Effect};
use backoffice::app::runner::perform;
use backoffice::app::state::{ProfileInfo, State};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The console over the sandbox, calls carried out to quiescence, copies kept.
pub struct Console<'a> {
    pub state: State,
    pub backends: &'a Backends,
    /// What `y` sent to the clipboard, oldest first.
    pub copies: Vec<String>,
}

impl<'a> Console<'a> {
    pub fn new(backends: &'a Backends) -> Console<'a> {
        let mut profile = ProfileInfo::new("sandbox", "Unioo");
        profile.search_sources = backends.sources().configured();
        let state = State::new(
            profile,
            (160, 48),
            std::time::Instant::now(),
            jiff::civil::date(2026, 11, 23),
        );
        Console {
            state,
            backends,
            copies: Vec::new(),
        }
    }

    pub async fn act(&mut self, action: Action) {
        let mut queue = vec![action];
        while let Some(a) = queue.pop() {
            for e in backoffice::app::update(&mut self.state, a) {
                match e {
                    Effect::Call { req, call } => queue.push(Action::Loaded {
                        req,
                        result: perform(self.backends, call).await,
                    }),
                    Effect::Copy(c) => self.copies.push(c.0),
                    _ => {}
                }
            }
        }
    }

    pub async fn key(&mut self, code: KeyCode) {
        self.act(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await;
    }

    pub async fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    /// Every cell's symbol as the terminal would get it.
    pub fn screen(&self) -> String {
        let (w, h) = self.state.size;
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        term.draw(|f| backoffice::ui::draw(f, &self.state, &Default::default()))
            .unwrap();
        term.backend()
            .buffer()
            .content
            .iter()
            .map(|c| c.symbol())
            .collect()
    }
}

/// The binary, with a data directory of its own (its audit log and team store): what a run
/// reads and changes is on a record, never the machine's own.
pub fn backoffice_bin() -> std::process::Command {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let home = std::env::temp_dir().join(format!("backoffice-it-home-{}-{n}", std::process::id()));
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_backoffice"));
    c.env_remove("BACKOFFICE_CONFIG").env("XDG_DATA_HOME", home);
    c
}
