//! The central copy of this console's audit log in the team store. Every record written to the
//! local file is sent after it, in order, chained as in the file; when it cannot be, the
//! audited action is refused (fail closed, as when the local file cannot be written).
//!
//! Records the store missed (it was down, or the console stopped before sending) are found
//! again in the local file and sent first: the store's last record for this operator and host
//! is looked up in the file and every line after it goes up. A file in which the store's last
//! record is not found is not sent at all: the local log and the store differ, and
//! `backoffice audit verify` says how.

use super::team::Team;
use crate::audit::Record;
use std::path::Path;
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
                .append_audit(&self.team.me, &record.line(), &record.hash, &record.prev)
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
}

/// Sends the lines of the local log at `path` that follow the store's last record for this
/// operator and host (all of them when the store has none); the number sent.
pub async fn catch_up(team: &Team, path: &Path) -> Result<usize, String> {
    let store = team.store().await.map_err(|e| e.to_string())?;
    let me = &team.me;
    let last = store
        .last_audit_hash(&me.os_user, &me.host)
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
            .append_audit(me, line, &r.hash, &r.prev)
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
