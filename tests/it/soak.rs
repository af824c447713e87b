//! A bounded soak: the real console in a pseudo-terminal, against `backoffice sandbox` in a
//! process of its own, searching every backend and paging through users in a loop. The
//! console's RSS must stay flat. `BACKOFFICE_SOAK_SECS` sets the length (default 180 s).
//! Three minutes is too long for every `cargo test`: CI runs it on its own, with
//! `cargo test --test it soak -- --ignored`.

use crate::common::{TempDir, wait_until};
use crate::e2e::{Console, DEADLINE};
use backoffice::sandbox::Credentials;
use backoffice::sandbox::process::SandboxProcess;
use std::time::{Duration, Instant};

/// A profile for every backend of a sandbox, its secrets in environment variables.
fn profile_for(c: &Credentials) -> (String, Vec<(&'static str, String)>) {
    let toml = format!(
        r#"default_profile = "soak"
[profiles.soak.unioo]
url = "{}"
token_env = "SOAK_UNIOO_TOKEN"
[profiles.soak.healthmov]
url = "{}"
username = "{}"
password_env = "SOAK_HEALTHMOV_PASSWORD"
[profiles.soak.vasco]
url = "{}"
token_env = "SOAK_VASCO_TOKEN"
[profiles.soak.upvest]
url = "{}"
client_id = "{}"
client_secret_env = "SOAK_UPVEST_SECRET"
key_id = "{}"
private_key_path = "{}"
[profiles.soak.bunq]
url = "{}"
api_key_env = "SOAK_BUNQ_KEY"
"#,
        c.unioo.url,
        c.healthmov.url,
        c.healthmov.username,
        c.vasco.url,
        c.upvest.url,
        c.upvest.client_id,
        c.upvest.key_id,
        c.upvest.private_key_path.display(),
        c.bunq.url,
    );
    let env = vec![
        ("SOAK_UNIOO_TOKEN", c.unioo.token.clone()),
        ("SOAK_HEALTHMOV_PASSWORD", c.healthmov.password.clone()),
        ("SOAK_VASCO_TOKEN", c.vasco.token.clone()),
        ("SOAK_UPVEST_SECRET", c.upvest.client_secret.clone()),
        ("SOAK_BUNQ_KEY", c.bunq.api_key.clone()),
    ];
    (toml, env)
}

fn rss_kib(pid: u32) -> u64 {
    backoffice::sandbox::process::proc_status_kib(Some(pid), "VmRSS").expect("the console's RSS")
}

fn median(v: &[u64]) -> u64 {
    let mut v = v.to_vec();
    v.sort_unstable();
    v[v.len() / 2]
}

/// The users loaded, from the list's title (`Users: 2,000 · sorted by name ↑ · 300 loaded`).
fn loaded(screen: &str) -> u32 {
    let Some(end) = screen.find(" loaded") else {
        return 0;
    };
    let start = screen[..end].rfind(' ').map_or(0, |i| i + 1);
    screen[start..end].replace(',', "").parse().unwrap_or(0)
}

/// One search typed afresh; returns once every backend has answered and the results have
/// the focus, so the next key is a command, not more text for the field.
fn search(c: &mut Console, query: &str) {
    c.send("/");
    c.wait_for("Enter searches");
    // Ctrl-U empties the field.
    c.send(&format!("\x15{query}\r"));
    // A CPR is masked in the field once searched: its first six digits stay. The previous
    // search's results stay on screen until Enter is read, so they alone prove nothing:
    // the results' hint appears only once an answer of this search has taken the focus.
    let shown = format!("Find: {}", &query[..6]);
    wait_until(&format!("the search for {shown}"), DEADLINE, || {
        let s = c.contents();
        s.contains(&shown) && s.contains("/ search") && !s.contains("searching")
    });
}

#[test]
#[ignore = "three minutes: CI runs it with --ignored"]
fn a_soak_of_searching_and_paging_keeps_the_console_rss_flat() {
    let secs: u64 = std::env::var("BACKOFFICE_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(180);
    let sandbox = SandboxProcess::spawn(
        env!("CARGO_BIN_EXE_backoffice").as_ref(),
        &["--healthmov-rate-limit", "0", "--bunq-rate-window-ms", "0"],
    )
    .expect("the sandbox starts");
    let (toml, env) = profile_for(&sandbox.credentials);
    let dir = TempDir::new("soak-config");
    let config = dir.0.join("config.toml");
    std::fs::write(&config, toml).unwrap();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // A CPR both Unioo and bunq know, so one search has answers to group.
    let (_, cpr) = crate::common::shared_bunq_user();
    let queries = ["Madsen", "Jensen", cpr.as_str(), "Nielsen", "Hansen"];

    let mut c = Console::start_env("soak", &["--config", config.to_str().unwrap()], &env);
    let pid = c.child.process_id().expect("the console's pid");
    c.wait_for("Find a person in every backend");
    let round = |c: &mut Console| {
        for q in queries {
            search(c, q);
        }
        c.send("u");
        c.wait_for("Users: 2,000");
        for _ in 0..10 {
            c.send("\x1b[6~");
        }
        // Ten pages of about 18 rows go past the first 100, so more are loaded.
        wait_until("more users loaded", DEADLINE, || {
            loaded(&c.contents()) > 100
        });
    };
    // Warm-up: every screen, session and connection pool once.
    for _ in 0..3 {
        round(&mut c);
    }
    let start = Instant::now();
    let mut samples = vec![rss_kib(pid)];
    let mut rounds = 0;
    while start.elapsed() < Duration::from_secs(secs) {
        round(&mut c);
        rounds += 1;
        samples.push(rss_kib(pid));
    }
    c.send("\x03");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });

    let quarter = (samples.len() / 4).max(1);
    let early = median(&samples[..quarter]);
    let late = median(&samples[samples.len() - quarter..]);
    let shown: Vec<String> = samples
        .iter()
        .map(|k| format!("{:.1}", *k as f64 / 1024.0))
        .collect();
    eprintln!(
        "soak {secs} s, {rounds} rounds: RSS {early} KiB early, {late} KiB late; samples (MiB): {}",
        shown.join(" ")
    );
    assert!(rounds >= 10, "only {rounds} rounds in {secs} s");
    // Flat: the last quarter's median within 2 MiB of the first quarter's.
    assert!(
        late <= early + 2048,
        "RSS grew from {early} KiB to {late} KiB over {rounds} rounds: {}",
        shown.join(" ")
    );
}
