//! The append-only, hash-chained audit log.
//!
//! One JSON object a line. Each record carries the SHA-256 of the line before it (`prev`) and
//! its own (`hash`, over the record without the `hash` field), so editing, removing,
//! reordering or inserting a line breaks the chain at that line. Records hold ids and masked
//! values, never a full CPR. Every record is fsynced before the action it describes goes on;
//! when the log cannot be written the action is refused (fail closed).

mod record;
pub mod show;
mod verify;

pub use record::{Event, Outcome, Record};
pub use verify::{VerifyError, verify_file, verify_lines};

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who is acting, from where: stamped on every record.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub operator: Option<String>,
    pub os_user: String,
    pub host: String,
    /// The first word of `SSH_CLIENT`, when the console runs over SSH.
    pub ssh_client: Option<String>,
    pub profile: String,
}

impl Actor {
    pub fn from_env(operator: Option<String>, profile: &str) -> Actor {
        // The password database's name for the real user id: `$USER` is whatever the
        // session set it to.
        let uid = nix::unistd::getuid();
        let os_user = match nix::unistd::User::from_uid(uid) {
            Ok(Some(u)) => u.name,
            _ => format!("uid {uid}"),
        };
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .or_else(|_| std::env::var("HOSTNAME"))
            .unwrap_or_else(|_| "unknown".into());
        let ssh_client = std::env::var("SSH_CLIENT")
            .ok()
            .and_then(|s| s.split_whitespace().next().map(str::to_string));
        Actor {
            operator,
            os_user,
            host,
            ssh_client,
            profile: profile.to_string(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the audit log {} cannot be written ({source}); nothing was sent", path.display())]
pub struct AuditError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

pub struct AuditLog {
    path: PathBuf,
    file: File,
    last_hash: String,
    actor: Actor,
}

/// The default log file, in the data directory.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "backoffice").map(|d| d.data_dir().join("audit.jsonl"))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl AuditLog {
    /// Opens (creating if needed) the log at `path` and reads the hash of its last record.
    pub fn open(path: &Path, actor: Actor) -> Result<AuditLog, AuditError> {
        let err = |source| AuditError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            crate::files::private_dir(dir).map_err(err)?;
        }
        let mut last_hash = GENESIS.to_string();
        if path.exists() {
            let reader = BufReader::new(File::open(path).map_err(err)?);
            for line in reader.lines() {
                let line = line.map_err(err)?;
                if !line.trim().is_empty() {
                    last_hash = match serde_json::from_str::<Record>(&line) {
                        Ok(r) => r.hash,
                        // A damaged tail is for `verify` to report; new records still chain
                        // to what is there, so the damage stays visible.
                        Err(_) => sha256_hex(line.as_bytes()),
                    };
                }
            }
        }
        let file = open_append(path).map_err(err)?;
        Ok(AuditLog {
            path: path.to_path_buf(),
            file,
            last_hash,
            actor,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and fsyncs it. Returns the record as written.
    pub fn append(&mut self, event: Event, outcome: Outcome) -> Result<Record, AuditError> {
        let record = Record::seal(&self.actor, event, outcome, &self.last_hash);
        let mut line = serde_json::to_vec(&record).expect("records serialize");
        line.push(b'\n');
        let err = |source| AuditError {
            path: self.path.clone(),
            source,
        };
        self.file.write_all(&line).map_err(err)?;
        self.file.sync_data().map_err(err)?;
        self.last_hash = record.hash.clone();
        Ok(record)
    }
}

/// Only the operator reads the trail (it names targets and reasons): 0600, in a directory
/// created 0700, never through a symlink.
fn open_append(path: &Path) -> std::io::Result<File> {
    crate::files::append(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn temp_path(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("backoffice-audit-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("audit.jsonl")
    }

    #[test]
    fn records_chain_and_survive_reopening() {
        let path = temp_path("chain");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let a = log.append(Event::test("first"), Outcome::Intent).unwrap();
        assert_eq!(a.prev, GENESIS);
        drop(log);
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let b = log.append(Event::test("second"), Outcome::Ok).unwrap();
        assert_eq!(b.prev, a.hash);
        assert_eq!(verify_file(&path).unwrap(), 2);
    }

    #[test]
    fn the_log_is_0600_in_a_directory_made_0700_and_a_symlink_is_refused() {
        let root = temp_path("modes").parent().unwrap().to_path_buf();
        let path = root.join("data").join("audit.jsonl");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        log.append(Event::test("first"), Outcome::Ok).unwrap();
        assert_eq!(crate::files::tests::mode(&path), 0o600);
        assert_eq!(crate::files::tests::mode(path.parent().unwrap()), 0o700);
        drop(log);
        let link = root.join("data").join("linked.jsonl");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(AuditLog::open(&link, Actor::default()).is_err());
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_cpr_in_a_reason_or_an_error_is_masked_before_it_is_written() {
        let path = temp_path("cpr");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let event = Event {
            reason: Some("caller read 010203-1234 aloud, then 0102031234".into()),
            targets: vec!["user:7".into()],
            ..Event::test("cpr.reveal")
        };
        let written = log
            .append(
                event,
                Outcome::Error {
                    message: "no match for 211062-5629".into(),
                    request_id: None,
                },
            )
            .unwrap();
        assert_eq!(
            written.event.reason.as_deref(),
            Some("caller read 010203-**** aloud, then 010203-****")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(crate::core::cpr::find_cprs(&text).is_empty(), "{text}");
        assert!(
            text.contains("211062-****") && !text.contains("1234"),
            "{text}"
        );
        assert_eq!(verify_file(&path).unwrap(), 1, "sealed as written");
    }

    #[test]
    fn an_unwritable_directory_fails_with_the_path() {
        let e = AuditLog::open(Path::new("/proc/backoffice/audit.jsonl"), Actor::default())
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("/proc/backoffice/audit.jsonl"),
            "{e}"
        );
        assert!(e.to_string().contains("nothing was sent"));
    }
}
