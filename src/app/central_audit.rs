//! The central copy of this console's audit log in the team store. Every record written to the
//! local file is sent after it, in order, chained as in the file; when it cannot be, the
//! audited action is refused (fail closed, as when the local file cannot be written).
//!
//! Records the store missed (it was down, or the console stopped before sending) are found
//! again in the local file and sent first: the store's last record for this operator and host
//! is looked up in the file and every line after it goes up. A file in which the store's last
//! record is not found is not sent at all: the local log and the store differ, and
//! `backoffice audit verify` says how.

use super::action::{Call, Effect, Payload};
use super::backends::{Audit, Backends};
use super::state::State;
use super::team::Team;
use crate::audit::{AuditLog, Record, TailWarning};
use crate::backends::BackendError;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The copy in the team store of one console's audit log.
#[derive(Debug)]
pub struct CentralCopy {
    team: Team,
    /// Set after a record could not be sent: the next one first sends what was missed.
    behind: AtomicBool,
}

impl CentralCopy {
    pub fn new(team: Team) -> CentralCopy {
        CentralCopy {
            team,
            // Records may have been written while no console sent them (the CLI, a crash).
            behind: AtomicBool::new(true),
        }
    }

    /// The store the copy goes to.
    pub fn team(&self) -> &Team {
        &self.team
    }

    /// Sends `record`, just written to the log at `path`, and whatever the store missed
    /// before it. Blocks: called from the blocking thread that wrote the record.
    pub fn send(&self, path: &Path, record: &Record) -> Result<(), String> {
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|_| "the team store is reached only from the console".to_string())?;
        let sent = handle.block_on(async {
            if self.behind.load(Ordering::SeqCst) {
                return catch_up(&self.team, path).await.map(|_| ());
            }
            let store = self.team.store().await.map_err(|e| e.to_string())?;
            match store
                .append_audit(&self.team.me, &record.line(), &record.hash, follows(record))
                .await
            {
                Ok(()) => Ok(()),
                // The store lacks earlier records: send them, this one with them.
                Err(crate::team::TeamError::AuditOutOfOrder { .. }) => {
                    catch_up(&self.team, path).await.map(|_| ())
                }
                Err(e) => Err(e.to_string()),
            }
        });
        self.behind.store(sent.is_err(), Ordering::SeqCst);
        sent.map_err(|why| {
            format!(
                "the team store's audit copy cannot be written ({}); the record is in the local \
                 log only, and nothing was sent",
                crate::sanitize::line(&why)
            )
        })
    }

    /// Sends what the store missed of `log`, holding the log so no record is written (and
    /// sent) meanwhile; the number sent. Blocks: called from a blocking thread.
    pub fn catch_up_now(&self, log: &Mutex<AuditLog>) -> Result<usize, String> {
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|_| "the team store is reached only from the console".to_string())?;
        let log = log
            .lock()
            .map_err(|_| "the audit log is unusable after an earlier failure".to_string())?;
        let sent = handle.block_on(catch_up(&self.team, log.path()));
        self.behind.store(sent.is_err(), Ordering::SeqCst);
        sent
    }
}

/// The record `r` comes after in the store's copy: the one it chains to, except for the record
/// of a log opened again after its file was deleted or replaced (`audit.reopen`), which starts
/// the file's new chain and names, in its targets, the last record written before. The copy
/// keeps one chain across the gap, and the gap on it.
fn follows(r: &Record) -> &str {
    r.reopened_after().unwrap_or(&r.prev)
}

/// Sends the lines of the local log at `path` that follow the store's last record for this
/// operator and host (all of them when the store has none); the number sent.
pub async fn catch_up(team: &Team, path: &Path) -> Result<usize, String> {
    let store = team.store().await.map_err(|e| e.to_string())?;
    let me = &team.me;
    let last = store
        .last_audit_hash(&me.key(), &me.host)
        .await
        .map_err(|e| e.to_string())?;
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|e| format!("reading {}: {e}", path.display()))?;
    let records: Vec<(&str, Record)> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Record>(l).ok().map(|r| (l, r)))
        .collect();
    let from = match &last {
        None => 0,
        Some(hash) => match records.iter().rposition(|(_, r)| &r.hash == hash) {
            Some(i) => i + 1,
            // A log opened again after its file was deleted: its gap record follows the
            // store's last.
            None if let Some(i) = records
                .iter()
                .position(|(_, r)| r.reopened_after() == Some(hash.as_str())) =>
            {
                i
            }
            None => {
                return Err(
                    "the store's last audit record for this operator and host is not in the \
                     local log: they differ (run `backoffice audit verify`)"
                        .into(),
                );
            }
        },
    };
    let mut sent = 0;
    for (line, r) in &records[from..] {
        store
            .append_audit(me, line, &r.hash, follows(r))
            .await
            .map_err(|e| e.to_string())?;
        sent += 1;
    }
    Ok(sent)
}

/// The local log's lines as written (split on `\n` only, so a CR added to a line is kept);
/// none when the file is gone. Never a device or a pipe.
pub fn local_lines(path: &Path) -> std::io::Result<Vec<String>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    match crate::audit::open_regular(path) {
        Ok(mut f) => f.read_to_end(&mut bytes)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(String::from_utf8_lossy(&bytes)
        .split_terminator('\n')
        .map(str::to_string)
        .collect())
}

/// How the local log's last record compares with the team store's last record for this
/// operator and host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastRecord {
    /// The store's last record is the local log's last (or both are empty).
    Same,
    /// The store's last record is in the local log with `missing` lines after it: records it
    /// never received. Not tampering.
    Behind { missing: usize },
    /// The store's last record is not in the local log: the log was cut short, deleted,
    /// rewritten, or forks from the copy. `backoffice audit verify` says which.
    Differs,
}

/// Compares the log at `path` with `team`'s copy by the store's last record: is that line
/// in the file, and where. The store is read first, so a record written and sent meanwhile
/// cannot look like a difference.
pub async fn compare_last(team: &Team, path: &Path) -> Result<LastRecord, BackendError> {
    let store = team.store().await?;
    let me = &team.me;
    let last = store
        .last_audit(&me.key(), &me.host)
        .await
        .map_err(super::team::error)?;
    let path = path.to_path_buf();
    let local = super::backends::blocking("Audit log", move || local_lines(&path))
        .await?
        .map_err(|e| BackendError::Local {
            what: "Audit log",
            detail: e.to_string(),
        })?;
    Ok(match last {
        None if local.is_empty() => LastRecord::Same,
        None => LastRecord::Behind {
            missing: local.len(),
        },
        Some((_, line)) => match local.iter().rposition(|l| *l == line) {
            Some(i) if i + 1 == local.len() => LastRecord::Same,
            Some(i) => LastRecord::Behind {
                missing: local.len() - i - 1,
            },
            None => LastRecord::Differs,
        },
    })
}

/// What the start-up check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// No local log, or no copy kept: nothing to compare.
    NotKept,
    /// The store could not be reached or read (the audited actions say so in their turn).
    Unreachable(String),
    /// The store's copy ends with the local log's last record.
    Same,
    /// The store lacked the newest `missing` lines; `caught_up`: how many were sent, or why
    /// not (the next audited action tries again).
    Behind {
        missing: usize,
        caught_up: Result<usize, String>,
    },
    /// The local log and the store's copy differ.
    Differs,
}

/// [`Call::AuditCheck`]: compares the log with the store's copy by the last record, and sends
/// the store what it merely lacks. Always answers: what went wrong is in [`Checked`].
pub async fn check(b: &Backends) -> Payload {
    let Audit::Open {
        log,
        central: Some(central),
    } = &b.audit
    else {
        return Payload::AuditChecked(Checked::NotKept);
    };
    let Some(path) = b.audit.path() else {
        return Payload::AuditChecked(Checked::NotKept);
    };
    let checked = match compare_last(&central.team, &path).await {
        Err(e) => Checked::Unreachable(e.to_string()),
        Ok(LastRecord::Same) => Checked::Same,
        Ok(LastRecord::Differs) => Checked::Differs,
        Ok(LastRecord::Behind { missing }) => {
            let (log, central) = (log.clone(), central.clone());
            let caught_up =
                super::backends::blocking("Audit log", move || central.catch_up_now(&log))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
            Checked::Behind { missing, caught_up }
        }
    };
    Payload::AuditChecked(checked)
}

/// The check the console makes as it starts; its answer goes to [`on_checked`] whatever view
/// is open then.
pub fn at_start(state: &mut State) -> Vec<Effect> {
    vec![Effect::Call {
        req: state.next_id(),
        call: Call::AuditCheck,
    }]
}

/// The warning while the local log and the store's copy differ.
pub const DIFFERS: &str = "audit log and team store differ";

/// The start-up check's answer: a copy that differs is a warning that stays; a store merely
/// behind was caught up quietly.
pub fn on_checked(state: &mut State, checked: Checked) -> Vec<Effect> {
    match checked {
        Checked::NotKept | Checked::Same => {}
        // Not a difference: the first audited action reaches the store or is refused, saying
        // why.
        Checked::Unreachable(why) => {
            tracing::warn!(why = %why, "the audit copy could not be checked at start");
        }
        Checked::Behind { missing, caught_up } => match caught_up {
            Ok(sent) => tracing::info!(missing, sent, "the audit copy was caught up"),
            Err(why) => tracing::warn!(missing, why = %why, "the audit copy is behind"),
        },
        Checked::Differs => {
            tracing::error!("the audit log and the team store's copy differ");
            warn(state, DIFFERS);
            if state.last_error.is_none() {
                state.last_error = Some(
                    "Audit log: the team store's last record is not in the local log (cut \
                     short, deleted, rewritten or forked); audited actions are refused. Run \
                     `backoffice audit verify`."
                        .into(),
                );
                state.last_error_from = None;
            }
        }
    }
    Vec::new()
}

/// Shows what opening the log found at its end, as the copy's difference is shown.
pub fn on_tail_warning(state: &mut State, w: &TailWarning) {
    warn(
        state,
        match w {
            TailWarning::Torn { .. } => "audit log's last line is cut short",
            TailWarning::Damaged { .. } => "audit log's last line is damaged",
        },
    );
    // The whole of it (the file, where) until something else is to be said.
    if state.last_error.is_none() {
        state.last_error = Some(crate::sanitize::line(&w.to_string()).into_owned());
        state.last_error_from = None;
    }
}

fn warn(state: &mut State, what: &str) {
    if !state.audit_warnings.iter().any(|w| w == what) {
        state.audit_warnings.push(what.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::Action;
    use crate::app::test_support::state;
    use crate::app::update::update;
    use crossterm::event::KeyCode;
    use std::time::Duration;

    /// The screen's top line, and the style of the cell at `x` on it.
    fn top_line(s: &State, width: u16) -> (String, ratatui::style::Style) {
        let mut term =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, 24)).unwrap();
        let look = crate::ui::Look {
            theme: crate::ui::theme::Theme::default(),
            images: Default::default(),
        };
        term.draw(|f| crate::ui::draw(f, s, &look)).unwrap();
        let buf = term.backend().buffer();
        let line: String = (0..width).map(|x| buf[(x, 0)].symbol()).collect();
        let at = line.find("Audit").unwrap_or(0) as u16;
        (line, buf[(at, 0)].style())
    }

    fn checked(s: &mut State, c: Checked) -> Vec<Effect> {
        update(
            s,
            Action::Loaded {
                req: 4242,
                result: Ok(Payload::AuditChecked(c)),
            },
        )
    }

    #[test]
    fn the_console_checks_the_copy_once_as_it_starts_in_no_view() {
        let mut s = state();
        let effects = at_start(&mut s);
        assert!(
            matches!(
                effects.as_slice(),
                [Effect::Call {
                    call: Call::AuditCheck,
                    ..
                }]
            ),
            "{effects:?}"
        );
        // Nothing waits for it: Esc on the first view cancels nothing, no spinner shows.
        assert!(s.requests.is_empty());
        assert!(crate::app::test_support::key(&mut s, KeyCode::Esc).is_empty());
    }

    #[test]
    fn a_copy_that_differs_shows_a_red_warning_that_stays() {
        let mut s = state();
        assert!(checked(&mut s, Checked::Differs).is_empty());
        assert_eq!(s.audit_warnings, [DIFFERS]);
        let (line, style) = top_line(&s, 120);
        assert!(
            line.contains("Audit log and team store differ: run `backoffice audit verify`"),
            "{line}"
        );
        let danger = crate::ui::theme::Theme::default().danger();
        assert_eq!(
            (style.fg, style.add_modifier),
            (danger.fg, danger.add_modifier)
        );
        // At 80 columns the command still shows.
        let (line, _) = top_line(&s, 80);
        assert!(line.contains("backoffice audit verify"), "{line}");
        // Time passing, keys, a toast and an error elsewhere do not take it away.
        s.show_toast("Exported 3 rows".into());
        let later = s.now + Duration::from_secs(600);
        update(&mut s, Action::Tick(later));
        crate::app::test_support::key(&mut s, KeyCode::Esc);
        s.last_error = Some("Unioo: unreachable".into());
        // A second answer saying the same does not repeat it.
        checked(&mut s, Checked::Differs);
        assert_eq!(s.audit_warnings, [DIFFERS]);
        let (line, _) = top_line(&s, 120);
        assert!(line.contains("Audit log and team store differ"), "{line}");
    }

    #[test]
    fn a_store_merely_behind_same_or_unreachable_shows_nothing() {
        for c in [
            Checked::Same,
            Checked::NotKept,
            Checked::Unreachable("connection refused".into()),
            Checked::Behind {
                missing: 2,
                caught_up: Ok(2),
            },
            Checked::Behind {
                missing: 2,
                caught_up: Err("the store went away".into()),
            },
        ] {
            let mut s = state();
            checked(&mut s, c.clone());
            assert!(s.audit_warnings.is_empty(), "{c:?}");
            assert_eq!(s.last_error, None, "{c:?}");
            let (line, _) = top_line(&s, 120);
            assert!(!line.contains("Audit"), "{c:?}: {line}");
        }
    }

    #[test]
    fn a_torn_last_line_is_shown_at_start_beside_a_difference() {
        let mut s = state();
        let torn = TailWarning::Torn {
            path: "/var/log/bo/audit.jsonl".into(),
            offset: 812,
            bytes: 40,
        };
        on_tail_warning(&mut s, &torn);
        checked(&mut s, Checked::Differs);
        let (line, _) = top_line(&s, 160);
        assert!(
            line.contains(
                "Audit log's last line is cut short; audit log and team store differ: run \
                 `backoffice audit verify`"
            ),
            "{line}"
        );
        // The whole of it, with the file, in the status bar.
        let e = s.last_error.as_deref().unwrap();
        assert!(
            e.contains("/var/log/bo/audit.jsonl") && e.contains("cut short"),
            "{e}"
        );
    }
}
