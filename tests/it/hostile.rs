//! Text from outside cannot drive the terminal, the clipboard or a spreadsheet: hostile names
//! are planted through the sandbox's own mutations (VASCO `CreateUser`, Healthmov
//! `createCompany`, bunq `PUT /user-person/{id}`) and a server answers with a hostile error
//! message; the CLI's table, stderr, `audit show`, `:export csv` and `y` come out clean.

use crate::common::{Console, TempDir, backends, sandbox};
use crossterm::event::KeyCode;
use std::process::{Command, Stdio};

/// An OSC 52 that would put a command on the operator's clipboard, a CSI that clears the
/// screen, line breaks, a backspace, and bidi and zero-width characters.
pub const HOSTILE: &str =
    "\x1b]52;c;cm0gLXJmIH4K\x07\u{9b}2J\r\n\t\x08\x7f\u{202E}\u{2066}\u{200B}\u{FEFF}";

/// A code point no output may hold: C0, DEL, C1, bidi controls, zero-width characters.
pub fn forbidden(c: char) -> bool {
    let u = c as u32;
    u <= 0x1F
        || (0x7F..=0x9F).contains(&u)
        || (0x202A..=0x202E).contains(&u)
        || (0x2066..=0x2069).contains(&u)
        || (0x200B..=0x200F).contains(&u)
        || u == 0x2060
        || u == 0xFEFF
}

/// Panics naming the first forbidden code point in `text` (`\n` ends a line and is allowed
/// where `lines` says so).
pub fn assert_clean(what: &str, text: &str, lines: bool) {
    if let Some((i, c)) = text
        .char_indices()
        .find(|&(_, c)| forbidden(c) && !(lines && c == '\n'))
    {
        panic!("{what}: U+{:04X} at byte {i} in {text:?}", c as u32);
    }
}

fn bin() -> Command {
    let mut c = crate::common::backoffice_bin();
    c.stdin(Stdio::null());
    c
}

/// A config file (0600) with one profile of these sections.
fn config(dir: &std::path::Path, sections: &str) -> std::path::PathBuf {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("config.toml");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .unwrap();
    write!(f, "default_profile = \"p\"\n[profiles.p]\n{sections}").unwrap();
    path
}

#[tokio::test]
async fn a_hostile_vasco_name_is_clean_in_the_cli_table_and_exact_in_its_json() {
    use backoffice::backends::FundPlatform;
    use backoffice::core::platform::{NewPlatformUser, PlatformChange};
    let s = sandbox(20).await;
    let vasco = crate::vasco_client::client(&s);
    let first = format!("Mallory{HOSTILE}");
    vasco
        .change_platform_user(PlatformChange::Create(NewPlatformUser {
            first_name: first.clone(),
            last_name: "Qxhostile".into(),
            email: "mallory.qx@investor.example.com".into(),
            mobile: None,
            persona: "distributed_customer".into(),
            corporate_name: None,
        }))
        .await
        .unwrap();
    let tmp = TempDir::new("hostile-cli");
    let path = config(
        &tmp.0,
        &format!(
            "[profiles.p.unioo]\nurl = \"{}\"\ntoken_env = \"T_UNIOO\"\n\
             [profiles.p.vasco]\nurl = \"{}\"\ntoken_env = \"T_VASCO\"\n",
            s.unioo_url(),
            s.vasco_url()
        ),
    );
    let unioo = s.mint_unioo_token(backoffice::sandbox::TOKEN_TTL_SECS);
    let token = s.credentials().vasco.token;
    let out = tokio::task::spawn_blocking(move || {
        let run = |output: &str| {
            bin()
                .arg("--config")
                .arg(&path)
                .args(["search", "Qxhostile", "--output", output])
                .env("T_UNIOO", &unioo)
                .env("T_VASCO", &token)
                .output()
                .unwrap()
        };
        (run("table"), run("json"))
    })
    .await
    .unwrap();
    let (table, json) = out;
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.status.success(),
        "{}",
        String::from_utf8_lossy(&table.stderr)
    );
    assert!(
        text.contains("Mallory]52;c;cm0gLXJmIH4K2J  Qxhostile"),
        "{text}"
    );
    assert_clean("search --output table", &text, true);
    assert_eq!(text.lines().count(), 2, "a header and one row: {text:?}");
    // JSON is for scripts: exactly what the server holds, its control characters escaped.
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["results"][0]["name"], format!("{first} Qxhostile"));
    assert!(!json.stdout.contains(&0x1b), "serde escapes ESC");
}

/// A GraphQL server whose every answer is an error with `message`.
async fn refusing_server(message: &'static str) -> String {
    let app = axum::Router::new().fallback(axum::routing::post(move || async move {
        axum::Json(serde_json::json!({ "errors": [{ "message": message }] }))
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/graphql")
}

#[tokio::test]
async fn a_hostile_graphql_error_message_reaches_stderr_clean() {
    let url =
        refusing_server("Denied\x1b]52;c;cm0gLXJmIH4K\x07\r\nroot# \u{202E}txt.exe\u{9b}2J").await;
    let tmp = TempDir::new("hostile-stderr");
    let path = config(
        &tmp.0,
        &format!("[profiles.p.unioo]\nurl = \"{url}\"\ntoken_env = \"T_UNIOO\"\n"),
    );
    let out = tokio::task::spawn_blocking(move || {
        bin()
            .arg("--config")
            .arg(&path)
            .args(["get", "users"])
            .env("T_UNIOO", "t")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("Denied]52;c;cm0gLXJmIH4K root# txt.exe2J"),
        "{err}"
    );
    assert_clean("stderr", &err, true);
    assert_eq!(err.lines().count(), 1, "{err:?}");
}

#[test]
fn audit_show_replays_hostile_reasons_and_server_messages_clean() {
    use backoffice::audit::{Actor, AuditLog, Event, Outcome};
    let tmp = TempDir::new("hostile-audit");
    let path = tmp.0.join("audit.jsonl");
    let mut log = AuditLog::open(&path, Actor::default()).unwrap();
    let event = Event {
        backend: "VASCO".into(),
        action: "platform-user.deactivate".into(),
        targets: vec![format!("7{HOSTILE}")],
        reason: Some(format!("pasted{HOSTILE}reason")),
        correlation: "c1".into(),
        ..Default::default()
    };
    log.append(event.clone(), Outcome::Intent).unwrap();
    log.append(
        event,
        Outcome::Error {
            message: format!("VASCO refused the request: {HOSTILE}. [request r1]"),
            request_id: Some(format!("r1{HOSTILE}")),
        },
    )
    .unwrap();
    drop(log);
    let out = bin().args(["audit", "show"]).arg(&path).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_clean("audit show", &text, true);
    assert_eq!(text.lines().count(), 2, "one line a record: {text:?}");
    assert!(text.contains("pasted]52;c;cm0gLXJmIH4K2J reason"), "{text}");
}

#[tokio::test]
async fn a_hostile_bunq_name_is_exported_clean_and_cannot_start_a_formula() {
    use backoffice::core::banking::BankUserUpdate;
    let s = sandbox(50).await;
    let tmp = TempDir::new("hostile-export");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let bunq = b.bank_users.clone().unwrap();
    let newest = bunq.bank_users(None, 0).await.unwrap().items[0].clone();
    let first = format!("=HYPERLINK(\"http://x.example.com\"){HOSTILE}");
    bunq.update_bank_user(
        newest.id,
        BankUserUpdate {
            first_name: Some(first),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut c = Console::new(&b);
    c.key(KeyCode::Esc).await;
    c.key(KeyCode::Char('B')).await;
    let screen = c.screen();
    assert!(screen.contains("=HYPERLINK"), "the list is shown");
    assert_clean("the bunq list on screen", &screen, false);
    let path = tmp.0.join("bunq.csv");
    c.key(KeyCode::Char(':')).await;
    c.text(&format!("export csv {}", path.display())).await;
    c.key(KeyCode::Enter).await;
    let csv = std::fs::read_to_string(&path).unwrap();
    assert_clean("the export", &csv, true);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let name = rows
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .find(|n| n.contains("HYPERLINK"))
        .expect("the planted row");
    assert!(
        name.starts_with("'=HYPERLINK(\"http://x.example.com\")]52;c;cm0gLXJmIH4K2J "),
        "{name:?}"
    );
}

#[tokio::test]
async fn y_on_a_hostile_healthmov_name_copies_clean_text() {
    use backoffice::core::onboarding::NewCompany;
    use backoffice::core::platform::{NewPlatformUser, PlatformChange};
    use base64::Engine;
    let s = sandbox(20).await;
    let tmp = TempDir::new("hostile-copy");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    b.onboarding
        .as_ref()
        .unwrap()
        .save_company(
            NewCompany {
                name: format!("Evil{HOSTILE}Corp"),
                logo_url: "https://cdn.example.com/evil.png".into(),
                external_id: Some("Qxcopy".into()),
                country: None,
                account_manager: None,
                onboarding: None,
                offboarding: None,
            },
            false,
        )
        .await
        .unwrap();
    // A second hit, so the results stay on screen rather than one opening by itself.
    b.platform
        .as_ref()
        .unwrap()
        .change_platform_user(PlatformChange::Create(NewPlatformUser {
            first_name: "Ann".into(),
            last_name: "Qxcopy".into(),
            email: "ann.qxcopy@investor.example.com".into(),
            mobile: None,
            persona: "distributed_customer".into(),
            corporate_name: None,
        }))
        .await
        .unwrap();
    let mut c = Console::new(&b);
    c.text("Qxcopy").await;
    c.key(KeyCode::Enter).await;
    assert_clean("the results on screen", &c.screen(), false);
    let backoffice::app::features::ViewKind::Search(found) = &c.state.top().kind else {
        panic!("the results stay on screen")
    };
    assert_eq!(found.results.len(), 2);
    let at = found
        .results
        .iter()
        .position(|h| h.source == backoffice::search::Source::Healthmov)
        .expect("the planted company");
    for _ in found.selected..at {
        c.key(KeyCode::Down).await;
    }
    c.key(KeyCode::Char('y')).await;
    assert_eq!(c.copies.len(), 1, "{:?}", c.state.toast);
    let copied = &c.copies[0];
    assert_eq!(copied, "Evil]52;c;cm0gLXJmIH4K2J Corp");
    // What the terminal is sent: the sequence's payload decodes to the same clean text.
    let osc = backoffice::app::copy::osc52(copied);
    let payload = osc
        .strip_prefix("\x1b]52;c;")
        .and_then(|p| p.strip_suffix('\x07'))
        .unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    assert_clean("the clipboard", &String::from_utf8(decoded).unwrap(), false);
}
