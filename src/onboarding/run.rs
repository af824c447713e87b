//! One import from start to end, shared by `backoffice onboard import` and the console: check
//! the file, upsert what is new, write the rejects, and say what happened.

use super::import::{self, Rejected};
use super::upload::{self, Journal, Progress, Target};
use crate::backends::healthmov::EmployeeUpsert;
use anyhow::Context;
use sha2::Digest;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// A file read and validated; nothing sent yet. The rows themselves are not kept: they are
/// read again, a row at a time, when they are sent (see [`CheckedRows`]), so an import's
/// memory does not grow with the file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checked {
    pub path: PathBuf,
    pub header: Vec<String>,
    /// Rows that will be sent.
    pub valid: usize,
    /// Bad rows, by line.
    pub rejected: Vec<Rejected>,
    /// The file's size and modification time when checked: it must not change before it is
    /// sent.
    pub stamp: Option<(u64, std::time::SystemTime)>,
}

/// Past this many rows a file is refused (lines are kept as 32-bit numbers).
const MAX_ROWS: u64 = u32::MAX as u64 - 1;

fn stamp(path: &Path) -> anyhow::Result<(std::fs::File, (u64, std::time::SystemTime))> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        anyhow::bail!(
            "{} is not a regular file: an import reads it twice (checked, then sent)",
            path.display()
        );
    }
    let modified = meta
        .modified()
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok((file, (meta.len(), modified)))
}

/// A short fingerprint of an employee number, for finding repeats: 96 bits of its SHA-256
/// (a chance collision would only refuse a row, never send one twice).
fn number_key(number: &str) -> [u8; 12] {
    let digest = sha2::Sha256::digest(number.as_bytes());
    let mut key = [0u8; 12];
    key.copy_from_slice(&digest[..12]);
    key
}

/// Reads and checks every row, streaming. `department_given`: rows without a
/// `department_id` go to the department the import was started for. Memory: 16 bytes a
/// valid row (to find repeated employee numbers) and the rejected rows' reasons.
pub fn check(path: &Path, department_given: bool) -> anyhow::Result<Checked> {
    let (file, stamp) = stamp(path)?;
    let mut reader = import::Reader::new(std::io::BufReader::new(file))
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut rejected = Vec::new();
    // (employee number's key, line) of every valid row, and the rows naming no department.
    let mut seen: Vec<([u8; 12], u32)> = Vec::new();
    let mut homeless: Vec<u32> = Vec::new();
    while let Some((line, result)) = reader.next_row() {
        if line > MAX_ROWS {
            anyhow::bail!("{}: more than {MAX_ROWS} rows", path.display());
        }
        match result {
            Ok(row) => {
                seen.push((number_key(&row.employee.employee_number), line as u32));
                if row.department.is_none() && !department_given {
                    homeless.push(line as u32);
                }
            }
            Err(reasons) => rejected.push(Rejected {
                line,
                record: Vec::new(),
                reasons,
            }),
        }
    }
    let rows = seen.len();
    // Repeats: the first of each number goes, the later ones are refused.
    seen.sort_unstable();
    let mut repeated: Vec<(u32, u32)> = seen
        .chunk_by(|a, b| a.0 == b.0)
        .flat_map(|same| same[1..].iter().map(|r| (r.1, same[0].1)))
        .collect();
    drop(seen);
    repeated.sort_unstable();
    let is_repeat = |line: u32| repeated.binary_search_by_key(&line, |r| r.0).is_ok();
    let homeless: Vec<u32> = homeless.into_iter().filter(|l| !is_repeat(*l)).collect();
    let valid = rows - repeated.len() - homeless.len();
    rejected.extend(repeated.iter().map(|&(line, first)| Rejected {
        line: line.into(),
        record: Vec::new(),
        reasons: vec![import::repeats(first.into())],
    }));
    rejected.extend(homeless.into_iter().map(|line| Rejected {
        line: line.into(),
        record: Vec::new(),
        reasons: vec!["department_id is required (or give --department)".into()],
    }));
    rejected.sort_by_key(|r| r.line);
    Ok(Checked {
        path: path.to_path_buf(),
        header: reader.header().to_vec(),
        valid,
        rejected,
        stamp: Some(stamp),
    })
}

/// The valid rows of a checked file, read again from it one at a time, in order. Should the
/// file have changed since it was checked, the rows end there and [`CheckedRows::changed`]
/// says so.
pub struct CheckedRows {
    path: PathBuf,
    reader: import::Reader<std::io::BufReader<std::fs::File>>,
    /// The rejected lines, in order: skipped.
    skip: Vec<u64>,
    next_skip: usize,
    left: usize,
    changed: Option<String>,
}

impl CheckedRows {
    pub fn open(checked: &Checked) -> anyhow::Result<CheckedRows> {
        let path = &checked.path;
        let (file, now) = stamp(path)?;
        let reader = import::Reader::new(std::io::BufReader::new(file))
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let changed =
            (checked.stamp != Some(now) || reader.header() != checked.header).then(|| {
                format!(
                    "{} changed after it was checked; check it again",
                    path.display()
                )
            });
        Ok(CheckedRows {
            path: path.clone(),
            reader,
            skip: checked.rejected.iter().map(|r| r.line).collect(),
            next_skip: 0,
            left: if changed.is_some() { 0 } else { checked.valid },
            changed,
        })
    }

    /// Why the rows ended early: the file changed while it was sent.
    pub fn changed(&self) -> Option<&str> {
        self.changed.as_deref()
    }
}

impl Iterator for CheckedRows {
    type Item = import::Row;

    fn next(&mut self) -> Option<import::Row> {
        if self.changed.is_some() {
            return None;
        }
        loop {
            let Some((line, result)) = self.reader.next_row() else {
                if self.left > 0 {
                    self.changed = Some(format!(
                        "{} lost {} rows after it was checked; run the import again",
                        self.path.display(),
                        self.left
                    ));
                }
                return None;
            };
            while self.skip.get(self.next_skip).is_some_and(|&l| l < line) {
                self.next_skip += 1;
            }
            if self.skip.get(self.next_skip) == Some(&line) {
                continue;
            }
            match result {
                Ok(row) if self.left > 0 => {
                    self.left -= 1;
                    return Some(row);
                }
                _ => {
                    self.changed = Some(format!(
                        "line {line} changed after the file was checked; run the import again (rows already sent are not sent twice)"
                    ));
                    return None;
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub sent: usize,
    /// Already in from an earlier run.
    pub unchanged: usize,
    /// Lines that did not go in (refused by the check or by the backend), with why.
    pub bad: Vec<(u64, String)>,
    /// Where the bad rows were written, if any.
    pub rejects: Option<PathBuf>,
    /// Stopped before every row was tried: running it again completes it.
    pub stopped: bool,
}

/// The audit record of an import of `path`'s `rows` checked rows into `company`, the same
/// from the console's `I` and from `backoffice onboard import`.
pub fn audit_event(company: &str, path: &std::path::Path, rows: usize) -> crate::audit::Event {
    let file = path
        .file_name()
        .map(|f| crate::sanitize::line(&f.to_string_lossy()).into_owned())
        .unwrap_or_default();
    crate::audit::Event {
        backend: crate::backends::healthmov::NAME.into(),
        action: "employees.import".into(),
        targets: vec![
            format!("company:{company}"),
            format!("file:{file}"),
            format!("rows:{rows}"),
        ],
        correlation: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    }
}

impl Report {
    /// What the import's audit record says went in; one that sent nothing says so.
    pub fn audit_note(&self) -> String {
        let counts = format!(
            "{} sent, {} unchanged, {} rejected{}",
            self.sent,
            self.unchanged,
            self.bad.len(),
            if self.stopped { ", stopped" } else { "" }
        );
        match self.sent {
            0 => format!("nothing was sent ({counts})"),
            _ => counts,
        }
    }

    pub fn summary(&self, path: &Path) -> String {
        let mut s = format!(
            "{}: {} sent, {} unchanged since an earlier import, {} rejected",
            path.display(),
            self.sent,
            self.unchanged,
            self.bad.len()
        );
        if let Some(r) = &self.rejects {
            s.push_str(&format!(" (see {})", r.display()));
        }
        if self.sent == 0 && self.bad.is_empty() && !self.stopped {
            s.push_str("; nothing to do: every row is already in");
        } else if self.sent == 0 {
            s.push_str("; nothing was sent");
        }
        if self.stopped {
            s.push_str("; stopped before the end: run it again to import the rest");
        }
        s
    }
}

/// Where the rows that did not go in are written.
pub fn rejects_path(input: &Path) -> PathBuf {
    input.with_extension("rejects.csv")
}

/// Upserts the checked rows not yet in, read again from the file a row at a time, then
/// writes the rejects file next to the input.
pub async fn run(
    client: &dyn EmployeeUpsert,
    checked: Checked,
    target: Target<'_>,
    concurrency: usize,
    stop: &AtomicBool,
    on_progress: impl FnMut(&Progress),
) -> anyhow::Result<Report> {
    let journal = Journal::open(&Journal::path_for(&checked.path)).context("the import journal")?;
    let mut rows = CheckedRows::open(&checked)?;
    let outcome = upload::upload(
        client,
        target,
        &mut rows,
        &journal,
        concurrency,
        stop,
        on_progress,
    )
    .await
    .context("writing the import journal")?;
    if let Some(why) = rows.changed() {
        anyhow::bail!("{why} ({} sent before it was noticed)", outcome.sent);
    }
    let mut bad: Vec<(u64, String)> = checked
        .rejected
        .iter()
        .map(|r| (r.line, r.reasons.join("; ")))
        .collect();
    bad.extend(
        outcome
            .failed
            .iter()
            .map(|(line, why)| (*line, format!("not sent: {why}"))),
    );
    bad.sort_by_key(|b| b.0);
    let rejects = if bad.is_empty() {
        None
    } else {
        let path = rejects_path(&checked.path);
        upload::write_rejects(
            &path,
            &checked.path,
            &checked.header,
            &checked.rejected,
            &outcome.failed,
        )
        .with_context(|| format!("writing {}", path.display()))?;
        Some(path)
    };
    Ok(Report {
        sent: outcome.sent,
        unchanged: outcome.unchanged,
        bad,
        rejects,
        stopped: outcome.stopped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(tag: &str, text: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("backoffice-check-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("staff.csv");
        std::fs::write(&path, text).unwrap();
        path
    }

    const FILE: &str = "employee_number,first_name,last_name,email,date_of_onboarding,department_id\n\
        E1,Ann,Lee,ann@example.com,2026-01-01,D1\n\
        E2,Bo,Lee,bad,2026-01-01,D1\n\
        E1,Cy,Lee,cy@example.com,2026-01-01,D1\n\
        E2,Di,Lee,di@example.com,2026-01-01,D1\n\
        E3,Ed,Lee,ed@example.com,2026-01-01,\n\
        E3,Fi,Lee,fi@example.com,2026-01-01,\n\
        E4,Gu,Lee,gu@example.com,2026-01-01,D2\n";

    #[test]
    fn the_streaming_check_finds_what_reading_it_whole_finds() {
        let path = file("same", FILE);
        let c = check(&path, false).unwrap();
        let lines: Vec<(u64, String)> = c
            .rejected
            .iter()
            .map(|r| (r.line, r.reasons.join("; ")))
            .collect();
        assert_eq!(
            lines,
            vec![
                (3, "email is not an email address (name@example.com)".into()),
                (4, "employee_number repeats line 2".into()),
                (6, "department_id is required (or give --department)".into()),
                (7, "employee_number repeats line 6".into()),
            ]
        );
        // A row refused for its email does not make a later row with its number a repeat.
        assert_eq!(c.valid, 3);
        let rows: Vec<u64> = CheckedRows::open(&c).unwrap().map(|r| r.line).collect();
        assert_eq!(rows, vec![2, 5, 8]);
        // With a department given, the rows naming none go there.
        let c = check(&path, true).unwrap();
        assert_eq!(c.valid, 4);
        let rows: Vec<u64> = CheckedRows::open(&c).unwrap().map(|r| r.line).collect();
        assert_eq!(rows, vec![2, 5, 6, 8]);
        // The whole-file parse agrees on every rejected line.
        let parsed = import::parse(FILE.as_bytes()).unwrap();
        let whole: Vec<u64> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(whole, vec![3, 4, 7]);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_file_changed_after_its_check_is_not_sent() {
        let path = file("changed", FILE);
        let c = check(&path, true).unwrap();
        // Same size, another row: the stamp catches most edits…
        std::fs::write(&path, FILE.replace("E4,Gu", "E5,Gu")).unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(std::time::SystemTime::UNIX_EPOCH).unwrap();
        let mut rows = CheckedRows::open(&c).unwrap();
        assert_eq!(rows.next(), None);
        assert!(
            rows.changed()
                .unwrap()
                .contains("changed after it was checked")
        );
        // …and a row that turned bad stops the rows there, even under the same stamp.
        let c = check(&path, true).unwrap();
        std::fs::write(
            &path,
            FILE.replace("E4,Gu", "E5,Gu")
                .replace("gu@example.com", "gu@example,com"),
        )
        .unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(c.stamp.unwrap().1).unwrap();
        let mut rows = CheckedRows::open(&c).unwrap();
        let sent: Vec<u64> = rows.by_ref().map(|r| r.line).collect();
        assert_eq!(sent, vec![2, 5, 6]);
        assert!(
            rows.changed().unwrap().starts_with("line 8 changed"),
            "{:?}",
            rows.changed()
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_device_or_pipe_is_refused_as_it_cannot_be_read_twice() {
        let e = check(Path::new("/dev/null"), true).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }
}
