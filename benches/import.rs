//! Bulk import figures, measured the way an operator runs it: `backoffice onboard import`
//! (release build) against a sandbox in its own process, so the importer's memory is its own.
//!
//! Prints: rows per second with no rate limit and with the sandbox's default one (median of
//! runs), the importer's peak RSS during a 100,000-row import, and the check alone
//! (`--dry-run`) of a 1,000,000-row file: rows per second and peak RSS (the file streams
//! through: it must stay under 64 MB).
//!
//! `cargo bench --bench import`; quick mode (`BACKOFFICE_BENCH_QUICK=1` or `--quick`, as CI
//! runs it; `IMPORT_QUICK=1` too) imports a few hundred rows and checks 20,000.

#[path = "common/mod.rs"]
mod common;
use backoffice::sandbox::process::SandboxProcess;
use common::{median, pick};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_backoffice");

/// The longest one import may take before the bench fails.
const DEADLINE: Duration = Duration::from_secs(600);

fn sandbox(rate_limit: u32) -> SandboxProcess {
    let rate_limit = rate_limit.to_string();
    SandboxProcess::spawn(
        BIN.as_ref(),
        &["--people", "100", "--healthmov-rate-limit", &rate_limit],
    )
    .expect("the sandbox starts")
}

fn config(dir: &Path, s: &SandboxProcess) -> PathBuf {
    let path = dir.join("config.toml");
    let text = format!(
        "[profiles.bench]\n\
         [profiles.bench.unioo]\nurl = \"http://127.0.0.1:1/graphql\"\ntoken_env = \"BENCH_UNUSED\"\n\
         [profiles.bench.healthmov]\nurl = \"{}\"\nusername = \"{}\"\npassword_env = \"BENCH_HEALTHMOV_PASSWORD\"\n",
        s.credentials.healthmov.url, s.credentials.healthmov.username,
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn csv(path: &Path, rows: usize, tag: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        f,
        "employee_number,first_name,last_name,email,date_of_onboarding,phone"
    )
    .unwrap();
    for i in 0..rows {
        writeln!(
            f,
            "{tag}{i:07},First{i},Last,{tag}{i}@client.example.com,2026-02-01,+4520{i:06}"
        )
        .unwrap();
    }
}

/// Peak resident set of a running process, in kB (`VmHWM`).
fn peak_rss_kb(pid: u32) -> Option<u64> {
    backoffice::sandbox::process::proc_status_kib(Some(pid), "VmHWM")
}

/// Runs one import; returns (seconds, peak RSS in kB).
fn import(config: &Path, file: &Path, s: &SandboxProcess) -> (f64, u64) {
    let mut c = Command::new(BIN);
    c.arg("--config")
        .arg(config)
        .args(["onboard", "import"])
        .arg(file)
        .args([
            "--company",
            "Q29tcGFueU5vZGU6MQ==",
            "--department",
            "RGVwYXJ0bWVudE5vZGU6MQ==",
        ])
        .env(
            "BENCH_HEALTHMOV_PASSWORD",
            &s.credentials.healthmov.password,
        )
        .env("BENCH_UNUSED", "-");
    watch(c, file)
}

/// The check alone (`--dry-run`, nothing sent); returns (seconds, peak RSS in kB).
fn dry_run(file: &Path) -> (f64, u64) {
    let mut c = Command::new(BIN);
    c.args(["--sandbox", "onboard", "import"])
        .arg(file)
        .args(["--company", "C", "--department", "D", "--dry-run"])
        .env_remove("BACKOFFICE_CONFIG");
    watch(c, file)
}

/// Runs an import to its end, sampling its peak RSS; (seconds, peak RSS in kB).
fn watch(mut command: Command, file: &Path) -> (f64, u64) {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "bench: the import of {} did not end within {DEADLINE:?}",
                file.display()
            );
        }
        peak = peak.max(peak_rss_kb(child.id()).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let secs = started.elapsed().as_secs_f64();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("0 rejected"),
        "{text}"
    );
    (secs, peak)
}

fn throughput(label: &str, rate_limit: u32, rows: usize, runs: usize, dir: &Path) {
    let s = sandbox(rate_limit);
    let cfg = config(dir, &s);
    let rates: Vec<f64> = (0..runs)
        .map(|r| {
            let file = dir.join(format!("{label}-{r}.csv"));
            csv(&file, rows, &format!("{label}{r}"));
            let (secs, _) = import(&cfg, &file, &s);
            rows as f64 / secs
        })
        .collect();
    println!(
        "import {label:<22} {rows:>6} rows × {runs}: median {:>7.0} rows/s (runs: {})",
        median(rates.clone()),
        rates
            .iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let quick = common::quick() || std::env::var_os("IMPORT_QUICK").is_some();
    let dir = std::env::temp_dir().join(format!("backoffice-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (big, runs) = if quick { (300, 2) } else { (10_000, 5) };
    throughput("no-rate-limit", 0, big, runs, &dir);
    throughput(
        "default-limit-20-per-s",
        20,
        if quick { 30 } else { 300 },
        pick(3, 1),
        &dir,
    );
    let s = sandbox(0);
    let cfg = config(&dir, &s);
    let rows = if quick { 1_000 } else { 100_000 };
    let file = dir.join("peak.csv");
    csv(&file, rows, "P");
    let (secs, peak) = import(&cfg, &file, &s);
    println!(
        "import peak RSS        {rows:>7} rows: {:.1} MB ({:.0} rows/s)",
        peak as f64 / 1024.0,
        rows as f64 / secs
    );
    drop(s);
    let rows = if quick { 20_000 } else { 1_000_000 };
    let file = dir.join("check.csv");
    csv(&file, rows, "C");
    let (secs, peak) = dry_run(&file);
    println!(
        "import --dry-run       {rows:>7} rows: {:.1} MB peak RSS ({:.0} rows/s)",
        peak as f64 / 1024.0,
        rows as f64 / secs
    );
    assert!(
        peak < 64 * 1024,
        "bench: the check of {rows} rows peaked at {} MB, over 64 MB",
        peak / 1024
    );
    let _ = std::fs::remove_dir_all(&dir);
}
