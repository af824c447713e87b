//! The bulk import's second phase: valid rows are upserted with bounded concurrency. A journal
//! beside the input records every row that went in, so a second run sends nothing twice and a
//! run stopped half way (Ctrl-C) is completed by running it again.

use super::import::{Rejected, Row};
use crate::backends::healthmov::EmployeeUpsert;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
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
    done: HashSet<String>,
}

/// What identifies a row's content for a company: the same row twice is the same hash.
pub fn row_key(company: &str, department: &str, row: &Row) -> String {
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
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Journal {
    pub fn path_for(input: &Path) -> PathBuf {
        input.with_extension("imported")
    }

    pub fn open(path: &Path) -> std::io::Result<Journal> {
        let mut done = HashSet::new();
        if path.exists() {
            for line in std::io::BufReader::new(std::fs::File::open(path)?).lines() {
                done.insert(line?.trim().to_string());
            }
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Journal { file, done })
    }

    pub fn contains(&self, key: &str) -> bool {
        self.done.contains(key)
    }

    fn record(&mut self, key: String) -> std::io::Result<()> {
        writeln!(self.file, "{key}")?;
        self.file.sync_data()?;
        self.done.insert(key);
        Ok(())
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
    pub failed: Vec<(Row, String)>,
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
pub async fn upload(
    client: &dyn EmployeeUpsert,
    target: Target<'_>,
    rows: Vec<Row>,
    journal: &mut Journal,
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
    let todo: Vec<(Row, String)> = rows
        .into_iter()
        .filter_map(|r| {
            let key = row_key(company, &department(&r), &r);
            if journal.contains(&key) {
                outcome.unchanged += 1;
                None
            } else {
                Some((r, key))
            }
        })
        .collect();
    let mut progress = Progress {
        total: todo.len(),
        sent: 0,
        failed: 0,
        started: Instant::now(),
    };
    let attempted = todo.len();
    let mut stream = futures_util::stream::iter(todo)
        .take_while(|_| std::future::ready(!stop.load(Ordering::SeqCst)))
        .map(|(row, key)| {
            let dept = department(&row);
            async move {
                let result = client.upsert(company, &dept, &row.employee).await;
                (row, key, result)
            }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((row, key, result)) = stream.next().await {
        match result {
            Ok(_) => {
                journal.record(key)?;
                progress.sent += 1;
            }
            Err(e) => {
                progress.failed += 1;
                outcome.failed.push((row, e.to_string()));
            }
        }
        on_progress(&progress);
    }
    outcome.sent = progress.sent;
    outcome.stopped = progress.sent + progress.failed < attempted;
    Ok(outcome)
}

/// Writes the rows that did not go in next to the input: the original columns, then the line
/// and the reason.
pub fn write_rejects(
    path: &Path,
    header: &[String],
    rejected: &[Rejected],
    failed: &[(Row, String)],
) -> std::io::Result<usize> {
    let mut w = csv::Writer::from_path(path)?;
    let mut head = header.to_vec();
    head.extend(["line".to_string(), "reason".to_string()]);
    w.write_record(&head)?;
    let mut n = 0;
    let mut all: Vec<(u64, Vec<String>, String)> = rejected
        .iter()
        .map(|r| (r.line, r.record.clone(), r.reasons.join("; ")))
        .collect();
    all.extend(
        failed
            .iter()
            .map(|(r, why)| (r.line, r.record.clone(), why.clone())),
    );
    all.sort_by_key(|x| x.0);
    for (line, mut record, reason) in all {
        record.resize(header.len(), String::new());
        record.extend([line.to_string(), reason]);
        w.write_record(&record)?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}
