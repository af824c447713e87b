//! `backoffice audit verify` and `backoffice audit show`.

use super::{Outcome, Record, verify_file};
use std::path::{Path, PathBuf};

/// The log to read: the one named, or the default.
pub fn resolve(path: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    path.or_else(super::default_path)
        .ok_or_else(|| anyhow::anyhow!("no data directory: name the audit log file"))
}

/// Verifies `path`; the text to print and whether the chain is intact.
pub fn verify(path: &Path) -> (String, bool) {
    match verify_file(path) {
        Ok(n) => (
            format!(
                "{}: {}, chain intact",
                path.display(),
                crate::format::counted(n, "record")
            ),
            true,
        ),
        Err(e) => (format!("{}: {e}", path.display()), false),
    }
}

pub struct Filter {
    pub action: Option<String>,
    pub target: Option<String>,
    pub since: Option<jiff::civil::Date>,
}

impl Filter {
    fn keeps(&self, r: &Record) -> bool {
        self.action
            .as_ref()
            .is_none_or(|a| r.event.action.contains(a.as_str()))
            && self
                .target
                .as_ref()
                .is_none_or(|t| r.event.targets.iter().any(|x| x.contains(t.as_str())))
            && self.since.is_none_or(|d| {
                r.time
                    .get(..10)
                    .is_some_and(|day| day >= d.to_string().as_str())
            })
    }
}

/// One line per matching record, oldest first, each through `sanitize`.
pub fn show(path: &Path, filter: &Filter) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let Ok(r) = serde_json::from_str::<Record>(line) else {
            out.push_str(&format!("{:>6}  (unreadable line)\n", i + 1));
            continue;
        };
        if !filter.keeps(&r) {
            continue;
        }
        let outcome = match &r.outcome {
            Outcome::Error {
                message,
                request_id,
            } => {
                format!(
                    "error: {message}{}",
                    request_id
                        .as_deref()
                        .map(|id| format!(" [{id}]"))
                        .unwrap_or_default()
                )
            }
            other => other.label().to_string(),
        };
        // Reasons and servers' error messages are text from outside: one line, nothing a
        // terminal would act on.
        let line = format!(
            "{:>6}  {}  {:<20} {:<8} {}  {}  {}  by {}@{}",
            i + 1,
            r.time.get(..19).unwrap_or(&r.time),
            r.event.action,
            outcome,
            r.event.cpr_masked.as_deref().unwrap_or("-"),
            r.event.targets.join(","),
            r.event.reason.as_deref().unwrap_or(""),
            r.by(),
            r.host,
        );
        out.push_str(&crate::sanitize::line(&line));
        out.push('\n');
    }
    Ok(out)
}
