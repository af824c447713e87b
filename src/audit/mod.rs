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
use std::io::Write;
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
        let last_hash = match open_regular(path) {
            Ok(mut f) => last_line_hash(&mut f).map_err(err)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => GENESIS.to_string(),
            Err(e) => return Err(err(e)),
        };
        let file = open_append(path).map_err(err)?;
        // What was appended to must be what was read: a regular file still.
        if !file.metadata().map_err(err)?.is_file() {
            return Err(err(not_regular()));
        }
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

fn not_regular() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "not a regular file (a device, a pipe or a directory cannot hold the log)",
    )
}

/// Opens an existing log for reading, refusing what is not a regular file (`/dev/zero`, a
/// pipe) before reading a byte: such a file never ends, and a pipe's open would block.
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let f = File::open(path)?;
    // Checked again on what was opened, in case the path changed in between.
    if !f.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(f)
}

/// The hash new records chain to: the last record's, read from the end of the file, so
/// start-up reads a few kilobytes however long the log. A last line that is not a record (a
/// damaged tail, for `verify` to report) chains by its own SHA-256, so the damage stays
/// visible; it is hashed as it streams, never held whole.
fn last_line_hash(f: &mut File) -> std::io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    const BLOCK: u64 = 64 * 1024;
    let len = f.metadata()?.len();
    // The last line that is not blank, as `BufRead::lines` gives it: from after the newline
    // before it to the newline after it (a CR before that newline left out).
    let mut newline_after = None;
    let mut content = false;
    let mut start = 0;
    let mut pos = len;
    let mut buf = vec![0u8; BLOCK as usize];
    'scan: while pos > 0 {
        let from = pos.saturating_sub(BLOCK);
        let block = &mut buf[..(pos - from) as usize];
        f.seek(SeekFrom::Start(from))?;
        f.read_exact(block)?;
        for (i, &b) in block.iter().enumerate().rev() {
            let at = from + i as u64;
            match (content, b) {
                (false, b'\n') => newline_after = Some(at),
                (false, b) if !b.is_ascii_whitespace() => content = true,
                (true, b'\n') => {
                    start = at + 1;
                    break 'scan;
                }
                _ => {}
            }
        }
        pos = from;
    }
    if !content {
        return Ok(GENESIS.to_string());
    }
    let mut end = newline_after.unwrap_or(len);
    if newline_after.is_some() && end > start {
        f.seek(SeekFrom::Start(end - 1))?;
        let mut last = [0u8; 1];
        f.read_exact(&mut last)?;
        if last[0] == b'\r' {
            end -= 1;
        }
    }
    f.seek(SeekFrom::Start(start))?;
    let mut line = f.take(end - start);
    // A record is a few hundred bytes: a longer line is damage, hashed as it streams.
    if end - start <= BLOCK {
        let mut text = Vec::new();
        line.read_to_end(&mut text)?;
        return Ok(match serde_json::from_slice::<Record>(&text) {
            Ok(r) => r.hash,
            Err(_) => sha256_hex(&text),
        });
    }
    let mut hasher = Sha256::new();
    loop {
        let n = line.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Only the operator reads the trail (it names targets and reasons): 0600, in a directory
/// created 0700, never through a symlink.
fn open_append(path: &Path) -> std::io::Result<File> {
    crate::files::append(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

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
    fn a_device_or_a_pipe_is_refused_before_it_is_read() {
        for dev in ["/dev/full", "/dev/zero"] {
            // Read to its end, such a file never ends: the answer is awaited with a deadline.
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let opened = AuditLog::open(Path::new(dev), Actor::default());
                let _ = tx.send(opened.err().map(|e| e.to_string()));
            });
            let e = rx
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("refused at once, not read")
                .expect("refused");
            assert!(e.contains(dev) && e.contains("not a regular file"), "{e}");
        }
        let fifo = temp_path("fifo").with_file_name("audit.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Opening a pipe with no writer would block: it is refused first.
        let e = AuditLog::open(&fifo, Actor::default()).err().unwrap();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(verify_file(&fifo).is_err());
    }

    #[test]
    fn reopening_chains_to_the_last_line_read_from_the_end() {
        let path = temp_path("tail");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let a = log.append(Event::test("first"), Outcome::Ok).unwrap();
        drop(log);
        // Blank lines after the last record change nothing.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"\n  \r\n\n").unwrap();
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let b = log.append(Event::test("second"), Outcome::Ok).unwrap();
        assert_eq!(b.prev, a.hash);
        drop(log);
        // A damaged tail, longer than any record (and than a read block): the next record
        // chains to its hash, as the whole file read line by line would give.
        let damage = "x".repeat(200_000) + "\r";
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(format!("{damage}\n").as_bytes()).unwrap();
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let c = log.append(Event::test("third"), Outcome::Ok).unwrap();
        assert_eq!(c.prev, sha256_hex(&damage.as_bytes()[..damage.len() - 1]));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(c.prev, sha256_hex(lines[2].as_bytes()));
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
