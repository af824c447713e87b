//! The binary's command line: the sandbox alone, and config errors before any terminal setup.

use backoffice::sandbox::process::SandboxProcess;
use std::process::{Command, Stdio};

fn bin() -> Command {
    crate::common::backoffice_bin()
}

#[tokio::test]
async fn sandbox_prints_a_working_url_and_token_as_json() {
    // `SandboxProcess` reads the JSON the sandbox prints on stdout.
    let sandbox = SandboxProcess::spawn(
        env!("CARGO_BIN_EXE_backoffice").as_ref(),
        &["--people", "50", "--seed", "7"],
    )
    .unwrap();
    let unioo = &sandbox.credentials.unioo;
    assert!(unioo.url.starts_with("http://127.0.0.1:"), "{}", unioo.url);
    let auth = format!("Bearer {}", unioo.token);
    let (status, body) = crate::common::post(
        &unioo.url,
        Some(&auth),
        "{ users { totalCount } }",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["users"]["totalCount"], 50);
}

/// Where OpenSSL is on this machine, if it is.
fn openssl() -> Option<std::path::PathBuf> {
    [
        "/usr/bin/openssl",
        "/usr/local/bin/openssl",
        "/opt/homebrew/bin/openssl",
    ]
    .into_iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.exists())
}

#[test]
fn the_upvest_key_the_sandbox_prints_is_pkcs8_v1_and_openssl_reads_it() {
    let sandbox = SandboxProcess::spawn(
        env!("CARGO_BIN_EXE_backoffice").as_ref(),
        &["--people", "20"],
    )
    .unwrap();
    let path = sandbox.credentials.upvest.private_key_path.clone();
    let pem = std::fs::read_to_string(&path).unwrap();
    // RFC 5208 v1, as `openssl genpkey -algorithm ed25519` writes it: version 0 and no
    // public key (SEQUENCE of 46 bytes: INTEGER 0, the Ed25519 OID, the 32-byte seed).
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "{}",
        path.display()
    );
    assert_eq!(der.len(), 48, "a PKCS#8 v1 Ed25519 key is 48 bytes");
    assert_eq!(&der[..5], &[0x30, 0x2e, 0x02, 0x01, 0x00], "version 0 (v1)");
    let Some(openssl) = openssl() else {
        eprintln!("no openssl here: the format was checked, not OpenSSL's reading");
        return;
    };
    let out = Command::new(openssl)
        .args(["pkey", "-noout", "-text_pub", "-in"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl pkey refuses {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ED25519 Public-Key"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_sandbox_stopped_by_sigterm_removes_its_signing_key() {
    let sandbox = SandboxProcess::spawn(
        env!("CARGO_BIN_EXE_backoffice").as_ref(),
        &["--people", "20"],
    )
    .unwrap();
    let key = sandbox.credentials.upvest.private_key_path.clone();
    assert!(key.exists(), "{} while it runs", key.display());
    // Dropping it sends SIGTERM, and kills it only if it has not gone in 2 s.
    drop(sandbox);
    assert!(
        !key.parent().unwrap().exists(),
        "{} is left behind",
        key.display()
    );
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
    // No config and an empty data directory: no team store copy to compare with.
    let verify = || {
        hermetic(&mut bin(), &dir)
            .args(["audit", "verify"])
            .arg(&path)
            .output()
            .unwrap()
    };
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

/// Runs `backoffice ARGS` with `env`; (exit code, stdout as JSON or Null, stderr).
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, serde_json::Value, String) {
    let mut c = bin();
    c.args(args).stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn valid(schema: serde_json::Value, v: &serde_json::Value) {
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{v:#}");
}

#[test]
fn get_and_search_print_json_a_script_can_rely_on() {
    let (_, cpr) = crate::common::shared_bunq_user();
    let tax = cpr.replace('-', "");

    let (code, person, err) = run(
        &["--sandbox", "get", "person", &cpr, "--output", "json"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    valid(
        serde_json::json!({
            "type": "object",
            "required": ["id", "first_name", "last_name", "cpr", "administrators", "documents"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "cpr": {"type": "string", "pattern": "^[0-9]{6}-\\*{4}$"},
                "administrators": {"type": "array", "items": {"type": "object", "required": ["kind", "roles"]}},
                "documents": {"type": "array", "items": {"type": "object", "required": ["kind", "state"]}}
            }
        }),
        &person,
    );
    assert!(
        !person.to_string().contains(&tax),
        "no full CPR in the output"
    );

    let (code, found, err) = run(&["--sandbox", "search", &cpr], &[]);
    assert_eq!(code, 0, "{err}");
    valid(
        serde_json::json!({
            "type": "object",
            "required": ["query", "backends", "results"],
            "properties": {
                "query": {"type": "object", "required": ["kind", "text"], "properties": {"kind": {"const": "CPR"}}},
                "backends": {"type": "array", "minItems": 2, "items": {"type": "object", "required": ["source", "took_ms"]}},
                "results": {"type": "array", "minItems": 2, "items": {"type": "object", "required": ["source", "person", "name", "id"]}}
            }
        }),
        &found,
    );
    let sources: Vec<&str> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, vec!["Unioo", "bunq"]);
    assert_eq!(
        found["results"][0]["person"], found["results"][1]["person"],
        "one person"
    );

    let (code, users, err) = run(
        &[
            "--sandbox",
            "get",
            "users",
            "--first",
            "3",
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(users["users"].as_array().unwrap().len(), 3);
    assert!(users["next_cursor"].is_string());
    let (code, docs, err) = run(
        &["--sandbox", "get", "documents", &cpr, "--output", "json"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(docs["documents"].is_array());
}

#[tokio::test]
async fn scripts_exit_with_a_code_for_not_found_refused_credentials_and_a_backend_down() {
    let (code, _, err) =
        tokio::task::spawn_blocking(|| run(&["--sandbox", "get", "person", "010101-0000"], &[]))
            .await
            .unwrap();
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("no person with CPR 010101-****"), "{err}");
    assert!(!err.contains("010101-0000"));

    let s = crate::common::sandbox(50).await;
    let dir = std::env::temp_dir().join(format!("backoffice-scripts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = |url: &str| {
        let path = dir.join(format!("c{}.toml", url.len()));
        std::fs::write(
            &path,
            format!(
                "[profiles.p]\n[profiles.p.unioo]\nurl = \"{url}\"\ntoken_env = \"UNIOO_TOKEN\"\n"
            ),
        )
        .unwrap();
        path
    };
    let refused = config(&s.unioo_url());
    let (code, _, err) = tokio::task::spawn_blocking(move || {
        let args = ["--config", refused.to_str().unwrap(), "get", "users"];
        run(&args, &[("UNIOO_TOKEN", "not-a-token")])
    })
    .await
    .unwrap();
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("refused the credentials"), "{err}");

    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = config(&format!(
        "http://{}/unioo/graphql/x",
        dead.local_addr().unwrap()
    ));
    drop(dead);
    let (code, _, err) = tokio::task::spawn_blocking(move || {
        let args = ["--config", down.to_str().unwrap(), "search", "0101014000"];
        run(&args, &[("UNIOO_TOKEN", "t")])
    })
    .await
    .unwrap();
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("cannot be reached"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_search_with_a_backend_that_did_not_answer_never_exits_as_nothing_found() {
    // A CPR no one has: bunq answers "none", Unioo fails every time.
    let (code, found, err) = run(
        &[
            "--sandbox",
            "--sandbox-fault",
            "unioo:500",
            "search",
            "0101014000",
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 6, "incomplete, not 3 (nothing found): {err}");
    assert_eq!(found["complete"], false);
    let status = |name: &str| {
        found["backends"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["source"] == name)
            .map(|b| b["status"].clone())
    };
    assert_eq!(status("bunq"), Some("answered".into()));
    assert_eq!(status("Unioo"), Some("failed".into()));
    assert!(err.contains("not searched: Unioo (failed)"), "{err}");
    // Every backend answered: then, and only then, exit 3.
    let (code, found, err) = run(
        &["--sandbox", "search", "0101014000", "--output", "json"],
        &[],
    );
    assert_eq!(code, 3, "{err}");
    assert_eq!(found["complete"], true);
}

#[tokio::test]
async fn pending_lists_the_team_store_s_open_proposals_for_scripts_and_a_table_stays_safe() {
    use backoffice::team::{NewProposal, Operator, TeamStore};
    let tmp = crate::common::TempDir::new("cli-pending");
    let store_path = tmp.0.join("team.sqlite");
    let store = TeamStore::open_sqlite(&store_path).await.unwrap();
    let maker = Operator::by_name("ops", "Ida", "jump1");
    store
        .propose(NewProposal {
            action: "legitimation.reject".into(),
            backend: "Unioo".into(),
            targets: vec!["document:12".into()],
            subject: "unioo:document:12".into(),
            seen_version: "3".into(),
            reason: Some("blurred\u{1b}]52;c;aGk=\u{7} scan".into()),
            payload: serde_json::json!({}),
            maker,
        })
        .await
        .unwrap();
    store.close().await;
    let config = tmp.0.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.s]\nsandbox = true\n[profiles.s.team]\npath = \"{}\"\n",
            store_path.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let out = bin()
        .args(["--config", config.to_str().unwrap(), "pending"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &listed[0];
    assert_eq!(p["action"], "legitimation.reject");
    assert_eq!(p["targets"][0], "document:12");
    assert_eq!(p["maker"], "ops/Ida");
    assert!(p["age_secs"].as_u64().unwrap() < 600, "{p}");
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let out = bin()
        .args([
            "--config",
            config.to_str().unwrap(),
            "pending",
            "--output",
            "table",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("legitimation.reject") && text.contains("Ida"),
        "{text}"
    );
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw controls reached the terminal: {text:?}"
    );
}

/// `cmd` with its own data and config directories under `dir`: nothing of this machine's
/// user (a config, the data directory's team store) is read or written.
fn hermetic<'a>(cmd: &'a mut Command, dir: &std::path::Path) -> &'a mut Command {
    cmd.env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
}

/// A real audit log of three records by this OS user on this host (as the binary finds
/// them), each copied to a SQLite team store, and a config (0600) whose profile `s` names the
/// store and the log.
struct CopiedLog {
    tmp: crate::common::TempDir,
    log: std::path::PathBuf,
    config: std::path::PathBuf,
    lines: Vec<String>,
    actor: backoffice::audit::Actor,
}

fn audit_event(action: &str) -> backoffice::audit::Event {
    backoffice::audit::Event {
        backend: "Unioo".into(),
        action: action.into(),
        targets: vec!["document:12".into()],
        correlation: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    }
}

impl CopiedLog {
    async fn new(tag: &str) -> CopiedLog {
        use backoffice::audit::{Actor, AuditLog, Outcome};
        use backoffice::team::{Operator, TeamStore};
        let tmp = crate::common::TempDir::new(tag);
        let actor = Actor::from_env(None, "s");
        let log = tmp.0.join("audit.jsonl");
        let store_path = tmp.0.join("team.sqlite");
        let store = TeamStore::open_sqlite(&store_path).await.unwrap();
        let me = Operator::new(&actor.os_user, None, &actor.host);
        let mut local = AuditLog::open(&log, actor.clone()).unwrap();
        for action in [
            "legitimation.view",
            "legitimation.reject",
            "legitimation.reject",
        ] {
            let r = local.append(audit_event(action), Outcome::Ok).unwrap();
            store
                .append_audit(&me, &r.line(), &r.hash, &r.prev)
                .await
                .unwrap();
        }
        drop(local);
        store.close().await;
        let config = tmp.0.join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[profiles.s]\nsandbox = true\naudit_log = {:?}\n[profiles.s.team]\npath = {:?}\n",
                log.display().to_string(),
                store_path.display().to_string()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        let lines = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        CopiedLog {
            tmp,
            log,
            config,
            lines,
            actor,
        }
    }

    /// Replaces the local log with `lines`.
    fn write_local(&self, lines: &[String]) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&self.log, text).unwrap();
    }

    /// `backoffice --config CONFIG audit verify`: exit code, stdout, stderr.
    fn verify(&self) -> (i32, String, String) {
        let out = hermetic(&mut bin(), &self.tmp.0)
            .arg("--config")
            .arg(&self.config)
            .args(["audit", "verify"])
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
        (
            out.status.code().unwrap_or(-1),
            text(&out.stdout),
            text(&out.stderr),
        )
    }
}

#[tokio::test]
async fn audit_verify_passes_a_log_whose_team_store_copy_matches() {
    let copied = CopiedLog::new("verify-same").await;
    let (code, out, err) = copied.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(": 3 records, chain intact"), "{out}");
    assert!(
        out.contains("it matches the local log (3 records)"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "the copy for {} on {}",
            copied.actor.os_user, copied.actor.host
        )),
        "{out}"
    );
    // The check itself is on the record (PCI DSS 10.2.1.3), after what it checked, and in
    // the store's copy too: checking again finds one more record and still agrees.
    let text = std::fs::read_to_string(&copied.log).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["action"], "audit.verify", "{last}");
    let (code, out, err) = copied.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(": 4 records, chain intact") && out.contains("matches the local log (4"),
        "{out}"
    );
}

/// A script's reads are on the operator's record, as the console's are: `get` and `search`
/// (a CPR only masked), and `audit show`; with a log that cannot be written, they are refused
/// and print nothing.
#[test]
fn scripts_reads_are_on_the_record_or_refused() {
    let (_, cpr) = crate::common::shared_bunq_user();
    let tax = cpr.replace('-', "");
    let tmp = crate::common::TempDir::new("script-reads");
    let log = tmp.0.join("audit.jsonl");
    let with_log = |args: &[&str]| {
        let mut c = bin();
        c.arg("--audit-log")
            .arg(&log)
            .args(args)
            .stdin(Stdio::null());
        c.output().unwrap()
    };
    for args in [
        &[
            "--sandbox",
            "get",
            "person",
            cpr.as_str(),
            "--output",
            "json",
        ][..],
        &["--sandbox", "search", cpr.as_str(), "--output", "json"],
        &["--sandbox", "get", "users", "--output", "json"],
        &["audit", "show", log.to_str().unwrap()],
    ] {
        let out = with_log(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let actions: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|r| format!("{} {}", r["action"], r["outcome"]["status"]))
        .collect();
    for want in ["person.view", "person.search", "person.list", "audit.view"] {
        assert!(
            actions.iter().filter(|a| a.contains(want)).count() == 2,
            "{want}: intent and outcome in {actions:?}"
        );
    }
    assert!(
        text.contains(&format!("{}-****", &cpr[..6])),
        "the CPR masked"
    );
    assert!(!text.contains(&cpr) && !text.contains(&tax), "no full CPR");
    assert_eq!(verify_lines_of(&log), text.lines().count());

    // A log that cannot be written: nothing read, nothing printed.
    let blocked = tmp.0.join("not-a-dir");
    std::fs::write(&blocked, "").unwrap();
    let out = bin()
        .arg("--audit-log")
        .arg(blocked.join("audit.jsonl"))
        .args(["--sandbox", "get", "person", &cpr, "--output", "json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Audit log"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn verify_lines_of(path: &std::path::Path) -> usize {
    backoffice::audit::verify_file(path).unwrap()
}

#[tokio::test]
async fn audit_verify_names_a_local_log_cut_short_at_the_end() {
    let copied = CopiedLog::new("verify-truncated").await;
    copied.write_local(&copied.lines[..1]);
    let (code, out, err) = copied.verify();
    assert_eq!(code, 1, "{out}{err}");
    // The chain of what is left holds; only the store shows what is missing.
    assert!(err.contains(": 1 record, chain intact"), "{err}");
    assert!(
        err.contains("the local log ends at line 1; the store has 2 more records"),
        "{err}"
    );
}

#[tokio::test]
async fn audit_verify_names_a_deleted_local_log() {
    let copied = CopiedLog::new("verify-deleted").await;
    std::fs::remove_file(&copied.log).unwrap();
    let (code, out, err) = copied.verify();
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("cannot read"), "{err}");
    assert!(
        err.contains("the local log is missing or empty, but the store holds 3 records"),
        "{err}"
    );
    assert!(err.contains("deleted"), "{err}");
}

#[tokio::test]
async fn audit_verify_names_the_first_rewritten_line() {
    let copied = CopiedLog::new("verify-rewritten").await;
    let mut lines = copied.lines.clone();
    lines[1] = lines[1].replace("legitimation.reject", "legitimation.approve");
    copied.write_local(&lines);
    let (code, out, err) = copied.verify();
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("line 2 of the local log is not the record the store received"),
        "{err}"
    );
    assert!(err.contains("rewritten"), "{err}");
}

#[tokio::test]
async fn audit_verify_names_a_fork_from_the_team_store_s_copy() {
    use backoffice::audit::{AuditLog, Outcome};
    let copied = CopiedLog::new("verify-fork").await;
    // The log put back to its first line and written on: a chain intact of its own.
    copied.write_local(&copied.lines[..1]);
    let mut log = AuditLog::open(&copied.log, copied.actor.clone()).unwrap();
    log.append(audit_event("legitimation.approve"), Outcome::Ok)
        .unwrap();
    drop(log);
    let (code, out, err) = copied.verify();
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains(": 2 records, chain intact"), "{err}");
    assert!(
        err.contains("the local log forks from the store's copy at line 2")
            && err.contains("both following line 1"),
        "{err}"
    );
}

#[tokio::test]
async fn audit_verify_passes_a_team_store_that_is_merely_behind_with_a_note() {
    use backoffice::audit::{AuditLog, Outcome};
    let copied = CopiedLog::new("verify-behind").await;
    let mut log = AuditLog::open(&copied.log, copied.actor.clone()).unwrap();
    log.append(audit_event("legitimation.view"), Outcome::Ok)
        .unwrap();
    drop(log);
    let (code, out, err) = copied.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("has not yet received the local records from line 4 on (1 record)")
            && out.contains("the console sends them at its next audited action"),
        "{out}"
    );
}

#[tokio::test]
async fn audit_verify_says_when_the_team_store_cannot_be_reached() {
    let copied = CopiedLog::new("verify-unreachable").await;
    // Port 1 on loopback: refused at once.
    let text = std::fs::read_to_string(&copied.config).unwrap();
    let path_line = text.lines().find(|l| l.starts_with("path = ")).unwrap();
    std::fs::write(
        &copied.config,
        text.replace(
            path_line,
            "url = \"postgres://backoffice@127.0.0.1:1/postgres\"",
        ),
    )
    .unwrap();
    let (code, out, err) = copied.verify();
    assert_eq!(code, 5, "{out}{err}");
    assert!(err.contains("chain intact"), "{err}");
    assert!(err.contains("cannot be reached"), "{err}");
    assert!(!err.contains("matches"), "{err}");
}

/// A profile that joins another process's sandbox cannot set that sandbox's faults: asked
/// for, they are refused with where to set them, rather than silently not applied.
#[test]
fn a_sandbox_fault_on_a_joined_sandbox_is_refused_saying_where_faults_go() {
    let dir = crate::common::TempDir::new("join-fault");
    let config = dir.0.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.j]\nsandbox = true\nsandbox_join = \"{}\"\n",
            dir.0.join("sandbox.json").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let out = bin()
        .arg("--config")
        .arg(&config)
        .args([
            "--profile",
            "j",
            "--sandbox-fault",
            "unioo:hang",
            "get",
            "users",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("backoffice sandbox --fault") && err.contains("sandbox_join"),
        "{err}"
    );
}
