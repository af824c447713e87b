//! Bulk import against the Healthmov sandbox: validation first, bounded concurrency, a rerun
//! that sends nothing, resuming after a stop, and 429s that lose nothing.

use backoffice::backends::healthmov::HealthmovClient;
use backoffice::onboarding::import::parse;
use backoffice::onboarding::upload::{Journal, Target, upload};
use backoffice::sandbox::{Sandbox, SandboxHandle, SandboxOptions, healthmov};
use std::sync::atomic::{AtomicBool, Ordering};

/// `rows` employees; with `bad_every`, one row in that many has a broken email.
fn csv(rows: usize, bad_every: Option<usize>) -> (String, Vec<u64>) {
    let mut s = String::from(
        "employee_number,first_name,last_name,email,date_of_onboarding,date_of_offboarding,phone\n",
    );
    let mut bad = Vec::new();
    for i in 0..rows {
        let line = i as u64 + 2;
        let broken = bad_every.is_some_and(|n| i % n == 3);
        let email = if broken {
            "not-an-email".to_string()
        } else {
            format!("e{i}@client.example.com")
        };
        if broken {
            bad.push(line);
        }
        s.push_str(&format!(
            "N{i:06},First{i},Last,{email},2025-02-01,,+4520{i:06}\n"
        ));
    }
    (s, bad)
}

async fn sandbox(rate_limit: u32) -> (SandboxHandle, HealthmovClient) {
    let s = Sandbox::start(SandboxOptions {
        people: 20,
        healthmov_rate_limit: rate_limit,
        ..Default::default()
    })
    .await
    .unwrap();
    let c = s.credentials().healthmov;
    let client = HealthmovClient::new(
        c.url.parse().unwrap(),
        c.username,
        Some(secrecy::SecretString::from(c.password)),
        Default::default(),
    );
    (s, client)
}

fn in_company(s: &SandboxHandle, company: u32) -> usize {
    let store = s.healthmov.store.lock().unwrap();
    store
        .members
        .iter()
        .filter(|m| {
            m.company == company
                && m.parent.is_none()
                && m.employee_number
                    .as_deref()
                    .is_some_and(|n| n.starts_with('N'))
        })
        .count()
}

fn journal(tag: &str) -> (std::path::PathBuf, Journal) {
    let p = std::env::temp_dir().join(format!(
        "backoffice-import-{tag}-{}.imported",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&p);
    let j = Journal::open(&p).unwrap();
    (p, j)
}

#[tokio::test]
async fn ten_thousand_rows_one_percent_bad_then_a_rerun_sends_nothing() {
    let (s, client) = sandbox(0).await;
    let (text, bad) = csv(10_000, Some(100));
    let parsed = parse(text.as_bytes()).unwrap();
    assert_eq!(
        parsed.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
        bad,
        "exactly the bad rows, by line"
    );
    assert_eq!(parsed.rows.len(), 9_900);
    let company = healthmov::global_id("CompanyNode", 2);
    let department = {
        let store = s.healthmov.store.lock().unwrap();
        healthmov::global_id(
            "DepartmentNode",
            store
                .departments
                .iter()
                .find(|d| d.company == 2)
                .unwrap()
                .id,
        )
    };
    let (path, j) = journal("ten");
    let stop = AtomicBool::new(false);
    let first = upload(
        &client,
        Target {
            company: &company,
            department: Some(&department),
        },
        parsed.rows.clone(),
        &j,
        8,
        &stop,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        (first.sent, first.unchanged, first.failed.len()),
        (9_900, 0, 0)
    );
    assert_eq!(in_company(&s, 2), 9_900);
    let j = Journal::open(&path).unwrap();
    let again = upload(
        &client,
        Target {
            company: &company,
            department: Some(&department),
        },
        parsed.rows,
        &j,
        8,
        &stop,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        (again.sent, again.unchanged),
        (0, 9_900),
        "a second run changes nothing"
    );
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn an_import_stopped_half_way_is_completed_by_a_rerun_with_nothing_sent_twice() {
    let (s, client) = sandbox(0).await;
    let (text, _) = csv(2_000, None);
    let rows = parse(text.as_bytes()).unwrap().rows;
    let company = healthmov::global_id("CompanyNode", 3);
    let department = {
        let store = s.healthmov.store.lock().unwrap();
        healthmov::global_id(
            "DepartmentNode",
            store
                .departments
                .iter()
                .find(|d| d.company == 3)
                .unwrap()
                .id,
        )
    };
    let (path, j) = journal("stop");
    let stop = AtomicBool::new(false);
    let first = upload(
        &client,
        Target {
            company: &company,
            department: Some(&department),
        },
        rows.clone(),
        &j,
        4,
        &stop,
        |p| {
            if p.sent >= 700 {
                stop.store(true, Ordering::SeqCst);
            }
        },
    )
    .await
    .unwrap();
    assert!(first.stopped);
    assert!(first.sent >= 700 && first.sent < 2_000, "{}", first.sent);
    let j = Journal::open(&path).unwrap();
    let go = AtomicBool::new(false);
    let second = upload(
        &client,
        Target {
            company: &company,
            department: Some(&department),
        },
        rows,
        &j,
        4,
        &go,
        |_| {},
    )
    .await
    .unwrap();
    assert!(!second.stopped);
    assert_eq!(first.sent + second.sent, 2_000, "each row sent once");
    assert_eq!(second.unchanged, first.sent);
    assert_eq!(in_company(&s, 3), 2_000);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn throttling_slows_the_import_but_loses_nothing() {
    let (s, client) = sandbox(40).await;
    let (text, _) = csv(120, None);
    let rows = parse(text.as_bytes()).unwrap().rows;
    let company = healthmov::global_id("CompanyNode", 4);
    let department = {
        let store = s.healthmov.store.lock().unwrap();
        healthmov::global_id(
            "DepartmentNode",
            store
                .departments
                .iter()
                .find(|d| d.company == 4)
                .unwrap()
                .id,
        )
    };
    let (path, j) = journal("429");
    let stop = AtomicBool::new(false);
    let started = std::time::Instant::now();
    let out = upload(
        &client,
        Target {
            company: &company,
            department: Some(&department),
        },
        rows,
        &j,
        8,
        &stop,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        (out.sent, out.failed.len()),
        (120, 0),
        "{:?}",
        out.failed.first()
    );
    assert_eq!(in_company(&s, 4), 120);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "120 rows at 40 a second take time"
    );
    let _ = std::fs::remove_file(path);
}

/// The console's runner streams the import's progress and ends with its report; the run is
/// audited as one action, and a second run of the same file sends nothing.
#[tokio::test]
async fn the_console_runner_streams_progress_and_reports() {
    use backoffice::app::action::{Action, Call, Effect, Payload};
    use backoffice::app::runner::Runner;
    let s = Sandbox::start(SandboxOptions {
        people: 20,
        healthmov_rate_limit: 0,
        ..Default::default()
    })
    .await
    .unwrap();
    let tmp = crate::common::TempDir::new("runner-import");
    let file = tmp.0.join("staff.csv");
    let (text, bad) = csv(300, Some(100));
    std::fs::write(&file, text).unwrap();
    let b = crate::common::backends(&s, &tmp.0.join("audit.jsonl"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(b.clone(), tx);
    let company = healthmov::global_id("CompanyNode", 1);
    let department = healthmov::global_id("DepartmentNode", 1);
    for round in 0..2 {
        let checked = backoffice::onboarding::run::check(&file, true).unwrap();
        assert_eq!(checked.rejected.len(), bad.len());
        runner.run(Effect::Call {
            req: 7,
            call: Call::Onboarding(backoffice::app::features::onboarding::calls::Call::Import {
                checked: Box::new(checked),
                company_id: company.clone(),
                department_id: Some(department.clone()),
                audit: Box::new(backoffice::audit::Event {
                    backend: "Healthmov".into(),
                    action: "employees.import".into(),
                    correlation: format!("c{round}"),
                    ..Default::default()
                }),
            }),
        });
        let mut progress = 0;
        let report = loop {
            match rx.recv().await.unwrap() {
                Action::ImportProgress {
                    req: 7,
                    progress: p,
                } => {
                    assert!(p.sent + p.failed <= p.total);
                    progress += 1;
                }
                Action::Loaded {
                    req: 7,
                    result:
                        Ok(Payload::Onboarding(
                            backoffice::app::features::onboarding::calls::Payload::Imported(r),
                        )),
                } => break r,
                other => panic!("{other:?}"),
            }
        };
        let lines: Vec<u64> = report.bad.iter().map(|b| b.0).collect();
        assert_eq!(lines, bad, "exactly the bad lines are reported");
        if round == 0 {
            assert_eq!(report.sent, 297);
            assert_eq!(progress, 297, "one progress report a row");
        } else {
            assert_eq!((report.sent, report.unchanged), (0, 297), "{report:?}");
        }
        assert!(report.rejects.as_ref().unwrap().exists());
    }
    assert_eq!(in_company(&s, 1), 297);
    let audit = std::fs::read_to_string(tmp.0.join("audit.jsonl")).unwrap();
    assert_eq!(
        audit.matches("employees.import").count(),
        4,
        "intent and outcome, twice"
    );
    // Each outcome says what went in; the second run, which sent nothing, says so.
    let outcomes: Vec<backoffice::audit::Record> = audit
        .lines()
        .map(|l| serde_json::from_str::<backoffice::audit::Record>(l).unwrap())
        .filter(|r| r.outcome == backoffice::audit::Outcome::Ok)
        .collect();
    let reasons: Vec<&str> = outcomes
        .iter()
        .map(|r| r.event.reason.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        reasons,
        vec![
            "297 sent, 0 unchanged, 3 rejected",
            "nothing was sent (0 sent, 297 unchanged, 3 rejected)"
        ]
    );
}

/// A large file streams through the check: the importer's memory does not grow with it
/// (read whole, 300,000 rows took some 170 MB; streamed, 16 bytes a row).
#[test]
fn a_dry_run_of_a_large_file_stays_small() {
    use std::io::Write;
    let tmp = crate::common::TempDir::new("import-large");
    let file = tmp.0.join("staff.csv");
    let rows = 300_000;
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        writeln!(
            f,
            "employee_number,first_name,last_name,email,date_of_onboarding,phone"
        )
        .unwrap();
        for i in 0..rows {
            writeln!(
                f,
                "L{i:07},First{i},Last,l{i}@client.example.com,2026-02-01,+4520{i:06}"
            )
            .unwrap();
        }
    }
    let mut child = crate::common::backoffice_bin()
        .env_remove("BACKOFFICE_CONFIG")
        .args(["--sandbox", "onboard", "import"])
        .arg(&file)
        .args(["--company", "C", "--department", "D", "--dry-run"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let mut peak_kib = 0;
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "the dry run did not end"
        );
        let hwm = backoffice::sandbox::process::proc_status_kib(Some(child.id()), "VmHWM");
        peak_kib = peak_kib.max(hwm.unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("{rows} rows valid, 0 rejected")),
        "{text}"
    );
    assert!(peak_kib > 0, "the peak was read");
    assert!(
        peak_kib < 64 * 1024,
        "peak RSS {} MB for {rows} rows",
        peak_kib / 1024
    );
}

/// `backoffice onboard import` is on the operator's record as the console's `I` is: its
/// intent before the first row goes, and what went in after; refused, with nothing sent, when
/// the record cannot be written.
#[test]
fn the_cli_import_is_audited_like_the_console_s() {
    let tmp = crate::common::TempDir::new("import-cli-audit");
    let file = tmp.0.join("staff.csv");
    std::fs::write(
        &file,
        "employee_number,first_name,last_name,email,date_of_onboarding\n\
         9901,Ida,Holm,ida.holm@client.example.com,2026-12-01\n",
    )
    .unwrap();
    let log = tmp.0.join("audit.jsonl");
    let import = |log: &std::path::Path| {
        crate::common::backoffice_bin()
            .arg("--sandbox")
            .arg("--audit-log")
            .arg(log)
            .args(["onboard", "import"])
            .arg(&file)
            .args([
                "--company",
                "Q29tcGFueU5vZGU6MQ==",
                "--department",
                "RGVwYXJ0bWVudE5vZGU6MQ==",
            ])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = import(&log);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| r["action"] == "employees.import")
        .collect();
    assert_eq!(records.len(), 2, "intent and outcome: {records:?}");
    assert_eq!(records[0]["outcome"]["status"], "intent");
    assert_eq!(records[1]["outcome"]["status"], "ok");
    assert!(
        records[1]["reason"].as_str().unwrap().starts_with("1 sent"),
        "{}",
        records[1]
    );
    // No audit log to be had: refused before any row.
    let blocked = tmp.0.join("not-a-dir");
    std::fs::write(&blocked, "").unwrap();
    let out = import(&blocked.join("audit.jsonl"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Audit log"), "{err}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("sent"),
        "{err}"
    );
}
