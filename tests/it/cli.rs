//! The binary's command line: the sandbox alone, and config errors before any terminal setup.

use std::io::BufRead;
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_backoffice"));
    c.env_remove("BACKOFFICE_CONFIG");
    c
}

#[tokio::test]
async fn sandbox_prints_a_working_url_and_token_as_json() {
    let mut child = bin()
        .args(["sandbox", "--people", "50", "--seed", "7"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut json = String::new();
    while json.is_empty() || json.matches('{').count() != json.matches('}').count() {
        assert!(
            out.read_line(&mut json).unwrap() > 0,
            "stdout closed: {json}"
        );
    }
    let creds: serde_json::Value = serde_json::from_str(&json).unwrap();
    let url = creds["unioo"]["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let auth = format!("Bearer {}", creds["unioo"]["token"].as_str().unwrap());
    let (status, body) = crate::common::post(
        url,
        Some(&auth),
        "{ users { totalCount } }",
        serde_json::json!({}),
    )
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);
    assert_eq!(body["data"]["users"]["totalCount"], 50);
}

#[test]
fn a_missing_config_file_is_named() {
    let out = bin()
        .args(["--config", "/nonexistent/backoffice.toml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config /nonexistent/backoffice.toml: (file): cannot read"),
        "{err}"
    );
}

#[test]
fn a_bad_key_is_named_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("backoffice-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        "[profiles.prod.unioo]\nurl = \"http://bank.example.com/graphql\"\ntoken_env = \"T\"\n",
    )
    .unwrap();
    let out = bin().arg("--config").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!(
            "config {}: profiles.prod.unioo.url: must use https",
            path.display()
        )),
        "{err}"
    );
    std::fs::write(&path, "[profiles.prod.unioo]\nurl = \"https://bank.example.com/graphql\"\ntoken_env = \"BACKOFFICE_TEST_UNSET\"\n").unwrap();
    let out = bin()
        .arg("--config")
        .arg(&path)
        .env_remove("BACKOFFICE_TEST_UNSET")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("BACKOFFICE_TEST_UNSET (token_env) is not set"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn audit_verify_names_the_tampered_line_and_fails() {
    use backoffice::audit::{Actor, AuditLog, Event, Outcome};
    let dir = std::env::temp_dir().join(format!("backoffice-cli-audit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("audit.jsonl");
    let mut log = AuditLog::open(&path, Actor::default()).unwrap();
    for i in 0..4 {
        let event = Event {
            action: format!("test.{i}"),
            correlation: i.to_string(),
            ..Default::default()
        };
        log.append(event, Outcome::Ok).unwrap();
    }
    drop(log);
    let verify = || bin().args(["audit", "verify"]).arg(&path).output().unwrap();
    assert!(verify().status.success());
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("test.2", "test.3", 1)).unwrap();
    let out = verify();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("edited"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

fn write_config(dir: &std::path::Path, keys: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "default_profile = \"demo\"\n\n[profiles.demo]\nsandbox = true\n\n[keys]\n{keys}\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_key_conflict_in_the_config_stops_start_up_naming_both_actions() {
    let dir = std::env::temp_dir().join(format!("backoffice-keys-{}", std::process::id()));
    let path = write_config(&dir, "bunq-users = \"u\"");
    let out = bin()
        .arg("--config")
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the key u is bound to both users and bunq-users"),
        "{err}"
    );
    assert!(err.contains("keys"), "the config key is named: {err}");
    let path = write_config(&dir, "teleport = \"t\"");
    let out = bin().arg("--config").arg(&path).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no action is named \"teleport\""));
    std::fs::remove_dir_all(dir).unwrap();
}
