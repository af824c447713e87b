//! The console's memory against hostile servers: for each of the hostile server's moods (an
//! answer of 1 GiB, declared or not; a page of 100,000 items, or of 20,000, whatever was
//! asked; a document that is an image bomb; bytes trickling in) and for each call the console
//! makes of it (each backend's list, a document with its image decoded), a fresh process runs
//! the console's client for that one call and reports its peak RSS (`VmHWM`) and what the call
//! came to. The sandbox and the hostile server run in this process, so their memory is not
//! counted.
//!
//! `cargo bench --bench hostile`; quick mode (`BACKOFFICE_BENCH_QUICK=1`, as CI runs it)
//! measures fewer moods and calls.

#[path = "common/mod.rs"]
mod common;
#[path = "../tests/it/hostile_server.rs"]
mod hostile_server;

use backoffice::app::action::{Call, Payload};
use backoffice::app::runner::perform;
use backoffice::backends::http::HttpSettings;
use backoffice::backends::{
    BankUsers, EndUsers, FundPlatform, LegitimationReview, Onboarding, PeopleDirectory,
};
use backoffice::console::SandboxClients;
use backoffice::core::{DocumentKind, Sort};
use backoffice::sandbox::{Credentials, Sandbox, SandboxOptions};
use hostile_server::{Hostile, Mood};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The calls measured, by name.
const CALLS: [&str; 8] = [
    "unioo-users",
    "unioo-employees",
    "unioo-review-queue",
    "healthmov-companies",
    "vasco-users",
    "upvest-users",
    "bunq-users",
    "unioo-document",
];

/// The most one measurement may take before the bench fails.
const DEADLINE: Duration = Duration::from_secs(180);

/// The whole-request timeout the clients get (the trickle waits it out twice: one resend).
const TIMEOUT: Duration = Duration::from_secs(3);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--client") {
        return client(&args[i + 1]);
    }
    let quick = common::quick();
    let moods: Vec<Option<Mood>> = if quick {
        vec![
            None,
            Some(Mood::Huge),
            Some(Mood::Flood(2_000)),
            Some(Mood::ImageBomb),
        ]
    } else {
        vec![
            None,
            Some(Mood::Huge),
            Some(Mood::HugeDeclared),
            Some(Mood::Flood(100_000)),
            Some(Mood::Flood(20_000)),
            Some(Mood::ImageBomb),
            Some(Mood::Trickle),
        ]
    };
    let calls: &[&str] = if quick {
        &["unioo-users", "bunq-users", "unioo-document"]
    } else {
        &CALLS
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("the sandbox starts");
        let item = backoffice::console::SandboxClients::new(&sandbox)
            .unwrap()
            .unioo
            .review_queue(None, None, 1)
            .await
            .unwrap()
            .items
            .remove(0);
        let document = format!(
            "{}:{}",
            item.person.id,
            match item.kind {
                DocumentKind::PhotoLegitimation => "photo",
                DocumentKind::SocialSecurityCard => "card",
            }
        );
        println!(
            "peak RSS (MB) of the console's client, one process a call; * = refused with an error"
        );
        let head: Vec<String> = calls
            .iter()
            .map(|c| format!("{c:>w$}", w = width(c)))
            .collect();
        println!("{:<16} {}", "server", head.join(" "));
        let mut worst = 0u64;
        for mood in moods {
            let hostile = match mood {
                Some(m) => Some(Hostile::start(m, &format!("http://{}", sandbox.addr)).await),
                None => None,
            };
            let creds = match &hostile {
                Some(h) => h.credentials(&sandbox.credentials()),
                None => sandbox.credentials(),
            };
            let creds = serde_json::to_string(&creds).unwrap();
            let mut line = format!(
                "{:<16}",
                mood.map_or("well-behaved".to_string(), |m| m.name())
            );
            for call in calls {
                let (creds, document, call) = (creds.clone(), document.clone(), call.to_string());
                let (peak_kib, outcome, call) = tokio::task::spawn_blocking(move || {
                    let (peak, outcome) = measure(&call, &creds, &document);
                    (peak, outcome, call)
                })
                .await
                .unwrap();
                if mood.is_some() {
                    worst = worst.max(peak_kib);
                }
                let mark = if outcome.starts_with("error") {
                    "*"
                } else {
                    ""
                };
                let cell = format!("{:.1}{mark}", peak_kib as f64 / 1024.0);
                line.push_str(&format!(" {cell:>w$}", w = width(&call)));
            }
            println!("{line}");
        }
        println!(
            "worst against a hostile server: {:.1} MB",
            worst as f64 / 1024.0
        );
    });
}

/// A column's width: its call's name, or a figure.
fn width(call: &str) -> usize {
    call.len().max(7)
}

/// Runs one call in a fresh process; its peak RSS in KiB and what it came to.
fn measure(call: &str, creds: &str, document: &str) -> (u64, String) {
    let started = Instant::now();
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--client", call])
        .env("HOSTILE_BENCH_CREDENTIALS", creds)
        .env("HOSTILE_BENCH_DOCUMENT", document)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(DEADLINE) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            if let Some(pid) = rustix::process::Pid::from_raw(id as i32) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
            panic!("bench: {call} did not end within {DEADLINE:?}");
        }
    };
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "bench: {call}: {text}");
    let mut peak = 0;
    let mut outcome = String::new();
    for l in text.lines() {
        if let Some(v) = l.strip_prefix("peak_kib=") {
            peak = v.trim().parse().unwrap();
        } else if let Some(v) = l.strip_prefix("outcome=") {
            outcome = v.to_string();
        }
    }
    if std::env::var_os("HOSTILE_BENCH_VERBOSE").is_some() {
        eprintln!("{call}: {outcome} ({:?})", started.elapsed());
    }
    (peak, outcome)
}

/// The child: one call of the console's client, then its peak RSS.
fn client(call: &str) {
    let creds: Credentials =
        serde_json::from_str(&std::env::var("HOSTILE_BENCH_CREDENTIALS").unwrap()).unwrap();
    let document = std::env::var("HOSTILE_BENCH_DOCUMENT").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let outcome = rt.block_on(async {
        let settings = HttpSettings {
            timeout: TIMEOUT,
            ..Default::default()
        };
        let c = SandboxClients::from_credentials_with(creds, settings).unwrap();
        fn said<T>(r: Result<T, backoffice::backends::BackendError>) -> String {
            match r {
                Ok(_) => "ok".into(),
                Err(e) => format!("error {}: {e}", e.kind()),
            }
        }
        match call {
            "unioo-users" => said(c.unioo.users(None, Sort::default(), 50).await),
            "unioo-employees" => said(c.unioo.employees(None, Sort::default(), 50).await),
            "unioo-review-queue" => said(c.unioo.review_queue(None, None, 50).await),
            "healthmov-companies" => said(c.healthmov.companies(None).await),
            "vasco-users" => said(c.vasco.platform_users(0).await),
            "upvest-users" => said(c.upvest.end_users(0).await),
            "bunq-users" => said(c.bunq.bank_users(None, 0).await),
            "unioo-document" => {
                let (user, kind) = document.split_once(':').unwrap();
                let b = c.backends(backoffice::console::open_audit(
                    Some(
                        std::env::temp_dir()
                            .join(format!("backoffice-bench-hostile-{}", std::process::id()))
                            .join("audit.jsonl"),
                    ),
                    Default::default(),
                ));
                let payload = perform(
                    &b,
                    Call::Review(backoffice::app::features::review::calls::Call::Document {
                        user: user.parse().unwrap(),
                        kind: if kind == "photo" {
                            DocumentKind::PhotoLegitimation
                        } else {
                            DocumentKind::SocialSecurityCard
                        },
                    }),
                )
                .await;
                match payload {
                    Ok(Payload::Review(
                        backoffice::app::features::review::calls::Payload::Document {
                            image: Some(_),
                            ..
                        },
                    )) => "ok: decoded".into(),
                    Ok(Payload::Review(
                        backoffice::app::features::review::calls::Payload::Document {
                            image_refused: Some(why),
                            ..
                        },
                    )) => format!("error image: {why}"),
                    other => said(other),
                }
            }
            other => panic!("no call named {other}"),
        }
    });
    println!("outcome={outcome}");
    println!("peak_kib={}", common::proc_status_kib("VmHWM"));
}
