//! `backoffice sandbox` in a process of its own, for measuring the console's memory alone
//! (benches and the soak test).

use super::Credentials;
use anyhow::Context;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long `backoffice sandbox` may take to print its credentials (a large `--people` takes a
/// while to generate).
pub const START_DEADLINE: Duration = Duration::from_secs(120);

pub struct SandboxProcess {
    pub credentials: Credentials,
    _child: KillOnDrop,
}

/// A `kB` figure (`VmRSS`, `VmHWM`) from /proc/PID/status, or /proc/self/status for `None`.
pub fn proc_status_kib(pid: Option<u32>, field: &str) -> Option<u64> {
    let who = pid.map_or("self".to_string(), |p| p.to_string());
    let status = std::fs::read_to_string(format!("/proc/{who}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches(" kB")
        .trim()
        .parse()
        .ok()
}

/// The sandbox is stopped when its owner goes, even when a test fails half-way: asked with
/// SIGTERM, so it removes its temporary key directory, and killed if it has not gone in 2 s.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let asked = rustix::process::Pid::from_raw(self.0.id() as i32)
            .map(|pid| rustix::process::kill_process(pid, rustix::process::Signal::TERM).is_ok())
            .unwrap_or(false);
        let deadline = Instant::now() + Duration::from_secs(2);
        while asked && Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl SandboxProcess {
    /// Starts `program sandbox ARGS…` and reads the credentials it prints.
    pub fn spawn(program: &Path, args: &[&str]) -> anyhow::Result<SandboxProcess> {
        let mut child = KillOnDrop(
            Command::new(program)
                .arg("sandbox")
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .context("starting `backoffice sandbox`")?,
        );
        let stdout = child.0.stdout.take().context("the sandbox's stdout")?;
        // Read on a thread of its own, so a sandbox that never answers fails the caller after
        // a while instead of blocking it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut json = String::new();
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else {
                    break;
                };
                json.push_str(&line);
                // The credentials are one pretty-printed object: it ends at the first `}` alone.
                if line == "}" {
                    break;
                }
            }
            let _ = tx.send(json);
        });
        let json = rx.recv_timeout(START_DEADLINE).with_context(|| {
            format!("`backoffice sandbox` printed no credentials within {START_DEADLINE:?}")
        })?;
        Ok(SandboxProcess {
            credentials: serde_json::from_str(&json)
                .context("the sandbox's credentials are not JSON")?,
            _child: child,
        })
    }
}
