//! The bulk import's second phase: valid rows are upserted with bounded concurrency. A journal
//! beside the input records every row that went in, so a second run sends nothing twice and a
//! run stopped half way (Ctrl-C) is completed by running it again.

use super::import::{Rejected, Row};
use crate::backends::healthmov::EmployeeUpsert;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Rows in flight at once, unless told otherwise: enough to hide the round trip, few enough
/// to stay well inside a per-client rate limit's burst.
pub const CONCURRENCY: u16 = 8;

/// Rows already in: one hash a line, appended and fsynced as each row succeeds.
pub struct Journal {
    file: std::fs::File,
    /// What earlier runs sent: the first half of each row's hash, sorted (16 bytes a row).
    done: Vec<Short>,
}

/// A row's SHA-256, hex in the file.
pub type Key = [u8; 32];

/// The half of a key kept in memory: 128 bits, so a chance match is out of reach.
type Short = [u8; 16];

fn short(key: &Key) -> Short {
    let mut s = [0u8; 16];
    s.copy_from_slice(&key[..16]);
    s
}

/// What identifies a row's content for a company: the same row twice is the same hash.
pub fn row_key(company: &str, department: &str, row: &Row) -> Key {
    let e = &row.employee;
    let text = format!(
        "{company}\u{1f}{department}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}",
        e.employee_number,
        e.first_name,
        e.last_name,
        e.email,
        e.onboarding,
        e.offboarding,
        e.phone,
        e.birthdate,
        e.external_id
    );
    Sha256::digest(text.as_bytes()).into()
}

fn hex(key: &Key) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(line: &str) -> Option<Key> {
    let line = line.trim();
    let mut key = [0u8; 32];
    if line.len() != 64 {
        return None;
    }
    for (i, k) in key.iter_mut().enumerate() {
        *k = u8::from_str_radix(line.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

impl Journal {
    pub fn path_for(input: &Path) -> PathBuf {
        input.with_extension("imported")
    }

    pub fn open(path: &Path) -> std::io::Result<Journal> {
        let mut done = Vec::new();
        if path.exists() {
            for line in std::io::BufReader::new(std::fs::File::open(path)?).lines() {
                // A line cut short by a crash is ignored: that row is simply sent again.
                if let Some(key) = unhex(&line?) {
                    done.push(short(&key));
                }
            }
        }
        done.sort_unstable();
        done.dedup();
        // Hashes of rows of personal data: the operator's only (0600, never via a symlink).
        let mut file = crate::files::append(path)?;
        // After a cut-short last line, new keys start on a line of their own.
        if file.metadata()?.len() > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8; 1];
            let mut r = std::fs::File::open(path)?;
            r.seek(SeekFrom::End(-1))?;
            r.read_exact(&mut last)?;
            if last[0] != b'\n' {
                writeln!(file)?;
            }
        }
        Ok(Journal { file, done })
    }

    /// Whether an earlier run sent this row (what this run records is on file only).
    pub fn contains(&self, key: &Key) -> bool {
        self.done.binary_search(&short(key)).is_ok()
    }

    fn record(&self, key: Key) -> std::io::Result<()> {
        let mut file = &self.file;
        writeln!(file, "{}", hex(&key))?;
        file.sync_data()
    }
}

#[derive(Debug, Clone)]
pub struct Progress {
    pub total: usize,
    pub sent: usize,
    pub failed: usize,
    pub started: Instant,
}

impl Progress {
    pub fn rows_per_second(&self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64();
        if secs > 0.0 {
            (self.sent + self.failed) as f64 / secs
        } else {
            0.0
        }
    }

    pub fn time_left(&self) -> Option<Duration> {
        let rate = self.rows_per_second();
        let left = self.total.saturating_sub(self.sent + self.failed);
        (rate > 0.0).then(|| Duration::from_secs_f64(left as f64 / rate))
    }

    /// `[#####.....] 450/1000 · 3 failed · 120 rows/s · 5 s left`
    pub fn bar(&self, width: usize) -> String {
        let finished = self.sent + self.failed;
        let filled = (finished * width).checked_div(self.total).unwrap_or(width);
        format!(
            "[{}{}] {finished}/{} · {} failed · {:.0} rows/s · {}",
            "#".repeat(filled),
            ".".repeat(width - filled),
            self.total,
            self.failed,
            self.rows_per_second(),
            self.time_left()
                .map_or("—".into(), |d| format!("{} s left", d.as_secs()))
        )
    }
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub sent: usize,
    /// In the journal already: unchanged since an earlier run.
    pub unchanged: usize,
    /// The lines that did not go in, and why.
    pub failed: Vec<(u64, String)>,
    /// Stopped before every row was tried.
    pub stopped: bool,
}

/// Where the rows go: a company, and the department for rows that name none.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub company: &'a str,
    pub department: Option<&'a str>,
}

/// Upserts the rows not in the journal yet, `concurrency` at a time, until done or `stop`.
/// Rows are taken from `rows` as they are sent (a file's rows can stream through without being
/// held); its size hint is the progress's total, less the rows found in the journal.
pub async fn upload(
    client: &dyn EmployeeUpsert,
    target: Target<'_>,
    rows: impl IntoIterator<Item = Row>,
    journal: &Journal,
    concurrency: usize,
    stop: &AtomicBool,
    mut on_progress: impl FnMut(&Progress),
) -> std::io::Result<Outcome> {
    let Target {
        company,
        department: default_department,
    } = target;
    let mut outcome = Outcome::default();
    let department = |r: &Row| {
        r.department
            .clone()
            .or(default_department.map(String::from))
            .unwrap_or_default()
    };
    let rows = rows.into_iter();
    let offered = rows.size_hint().0;
    let unchanged = std::sync::atomic::AtomicUsize::new(0);
    let todo = rows.filter_map(|r| {
        let key = row_key(company, &department(&r), &r);
        if journal.contains(&key) {
            unchanged.fetch_add(1, Ordering::Relaxed);
            None
        } else {
            Some((r, key))
        }
    });
    let mut progress = Progress {
        total: offered,
        sent: 0,
        failed: 0,
        started: Instant::now(),
    };
    let mut stream = futures_util::stream::iter(todo)
        .take_while(|_| std::future::ready(!stop.load(Ordering::SeqCst)))
        .map(|(row, key)| {
            let dept = department(&row);
            async move {
                let result = client.upsert(company, &dept, &row.employee).await;
                (row.line, key, result)
            }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((line, key, result)) = stream.next().await {
        match result {
            Ok(_) => {
                journal.record(key)?;
                progress.sent += 1;
            }
            Err(e) => {
                progress.failed += 1;
                outcome.failed.push((line, e.to_string()));
            }
        }
        progress.total = offered.saturating_sub(unchanged.load(Ordering::Relaxed));
        on_progress(&progress);
    }
    drop(stream);
    outcome.unchanged = unchanged.load(Ordering::Relaxed);
    outcome.sent = progress.sent;
    outcome.stopped = progress.sent + progress.failed + outcome.unchanged < offered;
    Ok(outcome)
}

/// Writes the rows that did not go in next to the input: the original columns, then the line
/// and the reason. Rows are not kept in memory as written, so their columns are read again
/// from `input`. Every cell passes `sanitize::csv_cell`: the file's cells and the servers'
/// reasons are text from outside, and a spreadsheet must not run one as a formula.
pub fn write_rejects(
    path: &Path,
    input: &Path,
    header: &[String],
    rejected: &[Rejected],
    failed: &[(u64, String)],
) -> std::io::Result<usize> {
    let mut all: Vec<(u64, Vec<String>, String)> = rejected
        .iter()
        .map(|r| (r.line, r.record.clone(), r.reasons.join("; ")))
        .collect();
    all.extend(
        failed
            .iter()
            .map(|(line, why)| (*line, Vec::new(), why.clone())),
    );
    all.sort_by_key(|x| x.0);
    let wanted: std::collections::HashMap<u64, usize> = all
        .iter()
        .enumerate()
        .filter(|(_, x)| x.1.is_empty())
        .map(|(i, x)| (x.0, i))
        .collect();
    if !wanted.is_empty() {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(input)
            .map_err(std::io::Error::other)?;
        // Lines as `import::parse` numbers them: the header is line 1.
        for (i, record) in reader.records().enumerate() {
            if let (Some(&at), Ok(record)) = (wanted.get(&(i as u64 + 2)), record) {
                all[at].1 = record.iter().map(String::from).collect();
            }
        }
    }
    // Written whole beside the old one and renamed over it: 0600, a symlink replaced rather
    // than followed.
    crate::files::replace(path, |file| write_rows(file, header, all))
}

fn write_rows(
    file: &mut std::fs::File,
    header: &[String],
    all: Vec<(u64, Vec<String>, String)>,
) -> std::io::Result<usize> {
    let mut w = csv::Writer::from_writer(file);
    let cells = |r: &[String]| -> Vec<String> {
        r.iter()
            .map(|c| crate::sanitize::csv_cell(c).into_owned())
            .collect()
    };
    let mut head = header.to_vec();
    head.extend(["line".to_string(), "reason".to_string()]);
    w.write_record(cells(&head))?;
    let mut n = 0;
    for (line, mut record, reason) in all {
        record.resize(header.len(), String::new());
        record.extend([line.to_string(), reason]);
        w.write_record(cells(&record))?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_hold_the_original_columns_read_again_from_the_input() {
        let dir = std::env::temp_dir().join(format!("backoffice-rejects-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("in.csv");
        std::fs::write(
            &input,
            "employee_number,first_name,last_name,email,date_of_onboarding\n\
             1,Ann,Lee,ann@x.example.com,2026-01-01\n\
             2,Bo,Lee,bad,2026-01-01\n\
             3,Cy,Lee,cy@x.example.com,2026-01-01\n",
        )
        .unwrap();
        let parsed = super::super::import::parse(std::fs::File::open(&input).unwrap()).unwrap();
        let failed = vec![(parsed.rows[1].line, "refused by the server".to_string())];
        let out = dir.join("rejects.csv");
        // What was at the rejects' path is a symlink to a file of someone else's: it is
        // replaced, not written through.
        let victim = dir.join("victim");
        std::fs::write(&victim, "theirs").unwrap();
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        let n = write_rejects(&out, &input, &parsed.header, &parsed.rejected, &failed).unwrap();
        assert_eq!(n, 2);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "theirs");
        assert_eq!(crate::files::tests::mode(&out), 0o600);
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            vec![
                "employee_number,first_name,last_name,email,date_of_onboarding,line,reason",
                "2,Bo,Lee,bad,2026-01-01,3,email is not an email address (name@example.com)",
                "3,Cy,Lee,cy@x.example.com,2026-01-01,4,refused by the server",
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn rejects_cannot_start_a_formula_and_a_phone_stays_readable() {
        let dir = std::env::temp_dir().join(format!("backoffice-rejects-f-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("in.csv");
        std::fs::write(
            &input,
            "employee_number,first_name,last_name,email,date_of_onboarding,phone\n\
             1,\"=HYPERLINK(\"\"http://x.example.com\"\")\",@SUM(A1),bad,2026-01-01,+45 12 34 56 78\n\
             2,\"-2+3\tx\",\"Lee\x1b]52;c;QQ==\x07\",cy@x.example.com,2026-01-01,+4512345678\n",
        )
        .unwrap();
        let parsed = super::super::import::parse(std::fs::File::open(&input).unwrap()).unwrap();
        let failed = vec![(parsed.rows[0].line, "=refused\r\nby the server".to_string())];
        let out = dir.join("rejects.csv");
        write_rejects(&out, &input, &parsed.header, &parsed.rejected, &failed).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows[0][1], "'=HYPERLINK(\"http://x.example.com\")");
        assert_eq!(rows[0][2], "'@SUM(A1)");
        assert_eq!(rows[0][5], "'+45 12 34 56 78");
        assert_eq!(rows[1][1], "'-2+3 x");
        assert_eq!(rows[1][2], "Lee]52;c;QQ==");
        assert_eq!(rows[1][5], "'+4512345678");
        assert_eq!(rows[1][7], "'=refused by the server");
        assert!(!text.contains('\x1b') && !text.contains('\t'), "{text:?}");
    }

    #[test]
    fn a_journal_line_cut_short_is_ignored_and_the_rest_kept() {
        let dir = std::env::temp_dir().join(format!("backoffice-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.imported");
        let key = [7u8; 32];
        std::fs::write(&path, format!("{}\n0707", hex(&key))).unwrap();
        let j = Journal::open(&path).unwrap();
        assert!(j.contains(&key));
        let fresh = dir.join("fresh.imported");
        drop(Journal::open(&fresh).unwrap());
        assert_eq!(crate::files::tests::mode(&fresh), 0o600);
        assert_eq!(j.done.len(), 1);
        j.record([9u8; 32]).unwrap();
        drop(j);
        let j = Journal::open(&path).unwrap();
        assert!(
            j.contains(&[9u8; 32]),
            "the next key is not glued to the cut line"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
