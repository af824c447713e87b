//! One import from start to end, shared by `backoffice onboard import` and the console: check
//! the file, upsert what is new, write the rejects, and say what happened.

use super::import::{self, Rejected, Row};
use super::upload::{self, Journal, Progress, Target};
use crate::backends::healthmov::EmployeeUpsert;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// A file read and validated; nothing sent yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    /// Bad rows, by line.
    pub rejected: Vec<Rejected>,
}

/// Reads and checks every row. `department_given`: rows without a `department_id` go to the
/// department the import was started for.
pub fn check(path: &Path, department_given: bool) -> anyhow::Result<Checked> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let parsed = import::parse(file).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut rejected = parsed.rejected;
    let (rows, homeless): (Vec<_>, Vec<_>) = parsed
        .rows
        .into_iter()
        .partition(|r| r.department.is_some() || department_given);
    rejected.extend(homeless.into_iter().map(|r| Rejected {
        line: r.line,
        record: Vec::new(),
        reasons: vec!["department_id is required (or give --department)".into()],
    }));
    rejected.sort_by_key(|r| r.line);
    Ok(Checked {
        path: path.to_path_buf(),
        header: parsed.header,
        rows,
        rejected,
    })
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

impl Report {
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

/// Upserts the checked rows not yet in, then writes the rejects file next to the input.
pub async fn run(
    client: &dyn EmployeeUpsert,
    checked: Checked,
    target: Target<'_>,
    concurrency: usize,
    stop: &AtomicBool,
    on_progress: impl FnMut(&Progress),
) -> anyhow::Result<Report> {
    let mut journal =
        Journal::open(&Journal::path_for(&checked.path)).context("the import journal")?;
    let outcome = upload::upload(
        client,
        target,
        checked.rows,
        &mut journal,
        concurrency,
        stop,
        on_progress,
    )
    .await
    .context("writing the import journal")?;
    let mut bad: Vec<(u64, String)> = checked
        .rejected
        .iter()
        .map(|r| (r.line, r.reasons.join("; ")))
        .collect();
    bad.extend(
        outcome
            .failed
            .iter()
            .map(|(r, why)| (r.line, format!("not sent: {why}"))),
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
