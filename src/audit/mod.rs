//! The append-only, hash-chained audit log.
//!
//! One JSON object a line. Each record carries the SHA-256 of the line before it (`prev`) and
//! its own (`hash`, over every byte of its line before `,"hash":`), so editing, removing,
//! reordering or inserting a line, or adding anything to one, breaks the chain at that line.
//! A last line cut short is reported at open and never written onto; a log file deleted or
//! replaced while open is noticed at the next record, which is refused until the log is
//! reopened and the gap recorded. Records hold ids and masked
//! values, never a full CPR. Every record is fsynced before the action it describes goes on;
//! when the log cannot be written the action is refused (fail closed).

mod record;
pub mod show;
mod verify;

pub use record::{Event, Outcome, Record, page_after};
pub use verify::{MAX_LINE, VerifyError, verify_file, verify_lines, verify_text};

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

impl AuditError {
    /// Whether the log's file was deleted or replaced while open: appends are refused until
    /// [`AuditLog::reopen`].
    pub fn needs_reopen(&self) -> bool {
        self.source.get_ref().is_some_and(|e| e.is::<Gone>())
    }
}

/// Why an append is refused once the path no longer names the file being written.
#[derive(Debug, thiserror::Error)]
#[error(
    "it was deleted or replaced while the console ran; reopen the log to go on, which records the gap"
)]
struct Gone;

/// What opening found at the end of an existing log, for the console to show as a warning.
/// New records still chain to that last line, so `audit verify` names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TailWarning {
    /// The file did not end with a newline: its last write was cut short (a crash, a full
    /// disk). The next record starts on a line of its own.
    #[error(
        "the audit log {} ends in a line cut short ({bytes} bytes from byte {offset}, no newline); new records start on the next line",
        path.display()
    )]
    Torn {
        path: PathBuf,
        offset: u64,
        bytes: u64,
    },
    /// The last line is not a record as it was sealed.
    #[error(
        "the last line of the audit log {} (from byte {offset}) is not a record as it was written",
        path.display()
    )]
    Damaged { path: PathBuf, offset: u64 },
}

/// The action of the record that reopens a log whose file was deleted or replaced.
pub const REOPEN: &str = "audit.reopen";
/// Its target naming the hash of the last record written before the gap.
const REOPENED_AFTER: &str = "prev:";

impl Record {
    /// For the record that reopened a log: the hash of the last record written before it.
    pub fn reopened_after(&self) -> Option<&str> {
        if self.event.action != REOPEN {
            return None;
        }
        self.event
            .targets
            .iter()
            .find_map(|t| t.strip_prefix(REOPENED_AFTER))
    }
}

pub struct AuditLog {
    path: PathBuf,
    file: File,
    /// `file`'s device and inode: the path must still name it when a record is written.
    id: (u64, u64),
    last_hash: String,
    /// The file ends in a line cut short: the next record starts with a newline.
    torn: bool,
    /// The file's length after the last record this process wrote (or read at open): longer
    /// at the next append means another process (a script, a second console of the same
    /// operator) wrote since, and the chain goes on from its record.
    end: u64,
    warning: Option<TailWarning>,
    state: State,
    actor: Actor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    /// A write failed part way: the tail is read again before the next record.
    Reread,
    /// The path names another file, or none: refused until reopened.
    Gone,
}

/// The default log file, in the data directory.
pub fn default_path() -> Option<PathBuf> {
    crate::files::data_dir().map(|d| d.join("audit.jsonl"))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl AuditLog {
    /// Opens (creating if needed) the log at `path` and reads the hash of its last record.
    /// A last line cut short or damaged is reported by [`tail_warning`](Self::tail_warning).
    pub fn open(path: &Path, actor: Actor) -> Result<AuditLog, AuditError> {
        let err = |source| AuditError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            crate::files::private_dir(dir).map_err(err)?;
        }
        let read = match open_regular(path) {
            Ok(mut f) => Some((read_tail(&mut f).map_err(err)?, file_id(&f).map_err(err)?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(err(e)),
        };
        let file = open_append(path).map_err(err)?;
        // What was appended to must be what was read: a regular file still, the same one.
        if !file.metadata().map_err(err)?.is_file() {
            return Err(err(not_regular()));
        }
        let id = file_id(&file).map_err(err)?;
        let tail = match read {
            Some((tail, read_id)) if read_id == id => tail,
            Some(_) => {
                return Err(err(std::io::Error::other(
                    "it was replaced while being opened; try again",
                )));
            }
            None => Tail::empty(),
        };
        Ok(AuditLog {
            path: path.to_path_buf(),
            file,
            id,
            warning: tail.warning(path),
            last_hash: tail.hash,
            torn: tail.torn,
            // Read without the lock: the first record reads the tail again under it.
            end: u64::MAX,
            state: State::Ready,
            actor,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What opening found wrong at the end of the log, if anything.
    pub fn tail_warning(&self) -> Option<&TailWarning> {
        self.warning.as_ref()
    }

    /// The hash the next record will chain to.
    pub fn last_hash(&self) -> &str {
        &self.last_hash
    }

    /// Appends one record and fsyncs it. Returns the record as written. Refused when the
    /// log's file was deleted or replaced since it was opened (the record would go to a file
    /// no one sees), until [`reopen`](Self::reopen).
    pub fn append(&mut self, event: Event, outcome: Outcome) -> Result<Record, AuditError> {
        let path = self.path.clone();
        let err = |source| AuditError {
            path: path.clone(),
            source,
        };
        self.still_there().map_err(err)?;
        // One writer at a time across processes, each chaining to what is at the end.
        let lock = Locked::new(&self.file).map_err(err)?;
        if self.file.metadata().map_err(err)?.len() != self.end {
            self.state = State::Reread;
        }
        if self.state == State::Reread {
            let mut f = open_regular(&self.path).map_err(err)?;
            if file_id(&f).map_err(err)? != self.id {
                self.state = State::Gone;
                return Err(err(Gone.into_io()));
            }
            let tail = read_tail(&mut f).map_err(err)?;
            (self.last_hash, self.torn) = (tail.hash, tail.torn);
            self.state = State::Ready;
        }
        let record = Record::seal(&self.actor, event, outcome, &self.last_hash);
        let mut line = Vec::with_capacity(512);
        if self.torn {
            line.push(b'\n');
        }
        line.extend_from_slice(record.line().as_bytes());
        line.push(b'\n');
        let written = (&self.file)
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .and_then(|()| self.file.metadata());
        match written {
            Ok(m) => self.end = m.len(),
            Err(e) => {
                // How much of the line is in the file is unknown: read it again before the next.
                self.state = State::Reread;
                return Err(err(e));
            }
        }
        drop(lock);
        self.torn = false;
        self.last_hash = record.hash.clone();
        // Deleted or replaced between the check and the write: the record is not in the log.
        self.still_there().map_err(err)?;
        Ok(record)
    }

    /// Opens the log's path again, after [`append`](Self::append) found its file deleted or
    /// replaced, and records the gap: new records chain to what is at the path now (a new
    /// file: the start of a chain), and the first of them names the hash of the last record
    /// written before, so the two files can be put side by side.
    pub fn reopen(&mut self) -> Result<Record, AuditError> {
        let before = self.last_hash.clone();
        let why = match self.state {
            State::Gone => "the log's file was deleted or replaced while the console ran",
            State::Ready | State::Reread => "the log was reopened",
        };
        *self = AuditLog::open(&self.path.clone(), self.actor.clone())?;
        let event = Event {
            backend: "backoffice".into(),
            action: REOPEN.into(),
            targets: vec![format!("{REOPENED_AFTER}{before}")],
            reason: Some(format!(
                "{why}; the last record written before this one has the hash in targets"
            )),
            correlation: uuid::Uuid::new_v4().to_string(),
            ..Default::default()
        };
        self.append(event, Outcome::Ok)
    }

    /// Errs, and stays refusing, once the path no longer names the file being written.
    fn still_there(&mut self) -> std::io::Result<()> {
        use std::os::unix::fs::MetadataExt;
        if self.state != State::Gone {
            match std::fs::symlink_metadata(&self.path) {
                Ok(m) if (m.dev(), m.ino()) == self.id => return Ok(()),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            self.state = State::Gone;
        }
        Err(Gone.into_io())
    }
}

/// An exclusive lock on the log's file (`flock`), let go when dropped.
struct Locked<'a>(&'a File);

impl<'a> Locked<'a> {
    fn new(file: &'a File) -> std::io::Result<Locked<'a>> {
        file.lock()?;
        Ok(Locked(file))
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

impl Gone {
    fn into_io(self) -> std::io::Error {
        std::io::Error::other(self)
    }
}

fn file_id(f: &File) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = f.metadata()?;
    Ok((m.dev(), m.ino()))
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

/// The end of an existing log.
struct Tail {
    /// What new records chain to.
    hash: String,
    /// The file does not end with a newline.
    torn: bool,
    /// The last line that is not blank does not hold a record as it was sealed.
    damaged: bool,
    /// Where that line starts, and its length.
    offset: u64,
    bytes: u64,
}

impl Tail {
    fn empty() -> Tail {
        Tail {
            hash: GENESIS.to_string(),
            torn: false,
            damaged: false,
            offset: 0,
            bytes: 0,
        }
    }

    fn warning(&self, path: &Path) -> Option<TailWarning> {
        let path = path.to_path_buf();
        if self.torn {
            Some(TailWarning::Torn {
                path,
                offset: self.offset,
                bytes: self.bytes,
            })
        } else if self.damaged {
            Some(TailWarning::Damaged {
                path,
                offset: self.offset,
            })
        } else {
            None
        }
    }
}

/// The end of the log, read from the end of the file, so start-up reads a few kilobytes
/// however long the log: the hash new records chain to (the last record's), and whether the
/// last line was cut short. A last line that is not a record (a damaged tail, for `verify` to
/// report) chains by its own SHA-256, so the damage stays visible; it is hashed as it
/// streams, never held whole.
fn read_tail(f: &mut File) -> std::io::Result<Tail> {
    use std::io::{Read, Seek, SeekFrom};
    const BLOCK: u64 = 64 * 1024;
    let len = f.metadata()?.len();
    let mut tail = Tail::empty();
    if len == 0 {
        return Ok(tail);
    }
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
        if pos == len {
            tail.torn = block.last() != Some(&b'\n');
        }
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
        tail.offset = newline_after.map_or(0, |n| n + 1);
        tail.bytes = len - tail.offset;
        return Ok(tail);
    }
    let mut end = newline_after.unwrap_or(len);
    (tail.offset, tail.bytes) = (start, end - start);
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
        let mut bytes = Vec::new();
        line.read_to_end(&mut bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        match serde_json::from_str::<Record>(&text) {
            Ok(r) => {
                // CR and all: the line as it is.
                let whole = end - start == tail.bytes;
                tail.damaged = !(whole && r.sealed_as(&text));
                tail.hash = r.hash;
            }
            Err(_) => {
                tail.damaged = true;
                tail.hash = sha256_hex(&bytes);
            }
        }
        return Ok(tail);
    }
    tail.damaged = true;
    let mut hasher = Sha256::new();
    loop {
        let n = line.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    tail.hash = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(tail)
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

    /// A script and a console (or two consoles of one operator) on one log: each appends
    /// after what the other wrote, under a lock, and the chain stays one chain.
    #[test]
    fn two_writers_on_one_log_keep_one_chain() {
        let path = temp_path("two-writers");
        let mut a = AuditLog::open(&path, Actor::default()).unwrap();
        let mut b = AuditLog::open(&path, Actor::default()).unwrap();
        let mut last = String::from(GENESIS);
        for i in 0..10 {
            let log = if i % 3 == 0 { &mut a } else { &mut b };
            let r = log.append(Event::test("read.view"), Outcome::Ok).unwrap();
            assert_eq!(r.prev, last, "record {i} chains to the one before it");
            last = r.hash;
        }
        assert_eq!(verify_file(&path).unwrap(), 10);
        // At once, from threads: still one chain, nothing lost.
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut log = AuditLog::open(&path, Actor::default()).unwrap();
                    for _ in 0..25 {
                        log.append(Event::test("read.view"), Outcome::Ok).unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(verify_file(&path).unwrap(), 110);
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
        // The hashes left out: hex digits can run ten long by chance.
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(&written.hash, "")
            .replace(&written.prev, "");
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

    fn lines_of(path: &Path) -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .split_terminator('\n')
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_torn_last_line_is_reported_and_the_next_record_starts_on_a_line_of_its_own() {
        let path = temp_path("torn");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let a = log.append(Event::test("first"), Outcome::Intent).unwrap();
        assert_eq!(log.tail_warning(), None);
        drop(log);
        let first_len = std::fs::metadata(&path).unwrap().len();
        // A crash part way through the next record.
        let cut = r#"{"time":"2026-01-0"#;
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(cut.as_bytes()).unwrap();
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let warning = log.tail_warning().cloned().expect("reported");
        assert_eq!(
            warning,
            TailWarning::Torn {
                path: path.clone(),
                offset: first_len,
                bytes: cut.len() as u64
            }
        );
        assert!(warning.to_string().contains("cut short"), "{warning}");
        let b = log.append(Event::test("second"), Outcome::Ok).unwrap();
        let c = log.append(Event::test("third"), Outcome::Ok).unwrap();
        let lines = lines_of(&path);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[0], a.line());
        assert_eq!(lines[1], cut, "the cut line is left as it was");
        assert_eq!(lines[2], b.line(), "never glued onto the cut line");
        assert_eq!(lines[3], c.line());
        // The chain goes through the cut line, so `verify` names it.
        assert_eq!(b.prev, sha256_hex(cut.as_bytes()));
        assert!(matches!(
            verify_file(&path),
            Err(VerifyError::Unreadable { line: 2, .. })
        ));
        drop(log);
        // Only the newline was lost: the record is whole, and the chain stays intact.
        let len = std::fs::metadata(&path).unwrap().len();
        OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(len - 1)
            .unwrap();
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        assert!(matches!(log.tail_warning(), Some(TailWarning::Torn { .. })));
        let d = log.append(Event::test("fourth"), Outcome::Ok).unwrap();
        assert_eq!(d.prev, c.hash);
        assert_eq!(lines_of(&path)[4], d.line());
        // Reopened once more, nothing is wrong at the end.
        drop(log);
        let log = AuditLog::open(&path, Actor::default()).unwrap();
        assert_eq!(log.tail_warning(), None);
        assert_eq!(log.last_hash(), d.hash);
    }

    #[test]
    fn a_damaged_or_edited_last_line_is_reported() {
        let path = temp_path("damaged");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let a = log.append(Event::test("first"), Outcome::Ok).unwrap();
        drop(log);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"not a record\n").unwrap();
        let log = AuditLog::open(&path, Actor::default()).unwrap();
        assert!(matches!(
            log.tail_warning(),
            Some(TailWarning::Damaged { offset, .. }) if *offset == a.line().len() as u64 + 1
        ));
        assert_eq!(log.last_hash(), sha256_hex(b"not a record"));
        // A record with a field added, its hash left as it was.
        let path = temp_path("edited");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let a = log.append(Event::test("first"), Outcome::Ok).unwrap();
        drop(log);
        let edited = a.line().replacen('{', r#"{"extra":1,"#, 1);
        std::fs::write(&path, format!("{edited}\n")).unwrap();
        let log = AuditLog::open(&path, Actor::default()).unwrap();
        assert!(matches!(
            log.tail_warning(),
            Some(TailWarning::Damaged { offset: 0, .. })
        ));
    }

    #[test]
    fn a_log_deleted_while_open_refuses_records_until_it_is_reopened_with_the_gap_recorded() {
        let path = temp_path("deleted");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let a = log.append(Event::test("first"), Outcome::Ok).unwrap();
        std::fs::remove_file(&path).unwrap();
        let e = log
            .append(Event::test("lost"), Outcome::Intent)
            .unwrap_err();
        assert!(e.needs_reopen());
        let text = e.to_string();
        assert!(
            text.contains(&path.display().to_string())
                && text.contains("deleted or replaced")
                && text.contains("reopen")
                && text.contains("nothing was sent"),
            "{text}"
        );
        assert!(!path.exists(), "nothing written, not even a new file");
        // A file at the path again is not the one that was open: still refused.
        std::fs::write(&path, "").unwrap();
        assert!(
            log.append(Event::test("lost"), Outcome::Intent)
                .unwrap_err()
                .needs_reopen()
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        let gap = log.reopen().unwrap();
        assert_eq!(gap.event.action, "audit.reopen");
        assert_eq!(gap.event.targets, vec![format!("prev:{}", a.hash)]);
        assert!(
            gap.event
                .reason
                .as_deref()
                .unwrap()
                .contains("deleted or replaced")
        );
        assert_eq!(gap.prev, GENESIS, "the new file starts a chain");
        let b = log.append(Event::test("second"), Outcome::Ok).unwrap();
        assert_eq!(b.prev, gap.hash);
        assert_eq!(verify_file(&path), Ok(2));
        assert_eq!(lines_of(&path), vec![gap.line(), b.line()]);
    }

    #[test]
    fn a_log_replaced_while_open_is_left_alone_and_reopening_chains_to_it() {
        let path = temp_path("replaced");
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        let a = log.append(Event::test("first"), Outcome::Ok).unwrap();
        let b = log.append(Event::test("second"), Outcome::Ok).unwrap();
        // The log swapped for a copy that lacks its last record.
        let copy = path.with_file_name("copy.jsonl");
        std::fs::write(&copy, format!("{}\n", a.line())).unwrap();
        std::fs::rename(&copy, &path).unwrap();
        let e = log
            .append(Event::test("lost"), Outcome::Intent)
            .unwrap_err();
        assert!(e.needs_reopen(), "{e}");
        assert_eq!(lines_of(&path), vec![a.line()], "the new file left alone");
        let gap = log.reopen().unwrap();
        assert_eq!(gap.prev, a.hash, "chained to what is there");
        assert_eq!(
            gap.event.targets,
            vec![format!("prev:{}", b.hash)],
            "naming what was written last before"
        );
        assert_eq!(verify_file(&path), Ok(2));
        // Reopened, the log takes records again.
        assert!(log.append(Event::test("third"), Outcome::Ok).is_ok());
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
