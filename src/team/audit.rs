//! The central copy of each operator's audit log, and comparing it with the local file.

use super::{Operator, TeamError, TeamStore, with_engine};
use std::fmt;

const APPEND: &str = "INSERT INTO audit (os_user, host, n, line, hash, prev, operator, received_at_us)
SELECT $1, $2, COALESCE(MAX(n), 0) + 1, $3, $4, $5, $6, {now} FROM audit WHERE os_user = $1 AND host = $2";

const LAST: &str =
    "SELECT hash, line FROM audit WHERE os_user = $1 AND host = $2 ORDER BY n DESC LIMIT 1";

impl TeamStore {
    /// Appends one local audit line (the bytes as written, without the newline) with its hash
    /// and prev to the copy for `who`'s OS user and host. The database keeps the copy in order:
    /// a record whose `prev` is not the hash of the copy's last record is refused
    /// ([`TeamError::AuditOutOfOrder`]), except that the first record may chain to anything (a
    /// log older than the store). Sending the last record again (a retry after a lost answer)
    /// succeeds without a second copy.
    pub async fn append_audit(
        &self,
        who: &Operator,
        line: &str,
        hash: &str,
        prev: &str,
    ) -> Result<(), TeamError> {
        if line.contains('\n') {
            return Err(TeamError::Invalid(
                "an audit line cannot hold a newline".into(),
            ));
        }
        // The chain's owner: the OS user, or OS user/name for a sandbox operator told apart by
        // name (two consoles of one OS user, each with its own log).
        let key = who.key();
        for _ in 0..8 {
            let inserted = with_engine!(self, |pool, now, _begin| {
                sqlx::query(&APPEND.replace("{now}", now))
                    .bind(&key)
                    .bind(&who.host)
                    .bind(line)
                    .bind(hash)
                    .bind(prev)
                    .bind(&key)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
            });
            let error = match inserted {
                Ok(_) => return Ok(()),
                Err(sqlx::Error::Database(e)) => e,
                Err(e) => return Err(self.err(e)),
            };
            // Another console of this user on this host appending at the same moment takes the
            // position first (a unique violation, or the order trigger seeing its row).
            let raced = error.is_unique_violation() || error.message().contains("out of order");
            match self.last_audit(&key, &who.host).await? {
                Some((last_hash, last_line)) if last_hash == hash && last_line == line => {
                    return Ok(());
                }
                Some((last_hash, _)) if last_hash == prev && raced => continue,
                None if raced => continue,
                Some((last_hash, _)) if last_hash != prev => {
                    return Err(TeamError::AuditOutOfOrder {
                        os_user: key.clone(),
                        host: who.host.clone(),
                        last: Some(last_hash),
                        prev: prev.to_string(),
                    });
                }
                _ => return Err(self.err(sqlx::Error::Database(error))),
            }
        }
        Err(TeamError::Store {
            target: self.target.to_string(),
            message: "the audit copy kept moving; the record was not stored".into(),
        })
    }

    /// The hash and the line of the copy's last record for one OS user and host.
    pub async fn last_audit(
        &self,
        os_user: &str,
        host: &str,
    ) -> Result<Option<(String, String)>, TeamError> {
        Ok(with_engine!(self, |pool, now, _begin| {
            sqlx::query_as::<_, (String, String)>(LAST)
                .bind(os_user)
                .bind(host)
                .fetch_optional(pool)
                .await
                .map_err(|e| self.err(e))?
        }))
    }

    /// The copy's lines for one OS user and host, in order.
    pub async fn audit_lines(&self, os_user: &str, host: &str) -> Result<Vec<String>, TeamError> {
        Ok(with_engine!(self, |pool, now, _begin| {
            sqlx::query_scalar::<_, String>(
                "SELECT line FROM audit WHERE os_user = $1 AND host = $2 ORDER BY n",
            )
            .bind(os_user)
            .bind(host)
            .fetch_all(pool)
            .await
            .map_err(|e| self.err(e))?
        }))
    }

    /// The hash of the copy's last record for one OS user and host.
    pub async fn last_audit_hash(
        &self,
        os_user: &str,
        host: &str,
    ) -> Result<Option<String>, TeamError> {
        Ok(self.last_audit(os_user, host).await?.map(|(hash, _)| hash))
    }
}

/// How the local log compares with the store's copy. Lines are numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditComparison {
    /// The same lines.
    Same,
    /// The local log stops early: its lines from `missing_from` on are only in the store.
    LocalTruncated { missing_from: usize },
    /// The local log is empty or gone while the store holds records (a deleted file).
    LocalMissing,
    /// Line `line` differs: the local record was edited (or the history re-hashed from there).
    Rewritten { line: usize },
    /// Line `line` differs and both records follow the same predecessor with different
    /// records: the histories branch there (a log restored from a copy and written on).
    Fork { line: usize },
    /// The store lacks the local lines from `missing_from` on (records it never received).
    CentralBehind { missing_from: usize },
    /// The local log starts with the record of its reopening (`audit.reopen`: its file was
    /// deleted or replaced while the console ran); the store holds the `before` records
    /// written before it, which the local log no longer has, and from there the two agree.
    Reopened { before: usize },
}

impl AuditComparison {
    pub fn is_same(&self) -> bool {
        matches!(self, AuditComparison::Same)
    }
}

impl fmt::Display for AuditComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditComparison::Same => write!(f, "the local log and the team store's copy agree"),
            AuditComparison::LocalTruncated { missing_from } => write!(
                f,
                "the local log is truncated: records from line {missing_from} on are only in the team store"
            ),
            AuditComparison::LocalMissing => write!(
                f,
                "the local log is missing or empty, but the team store holds its records (a deleted file)"
            ),
            AuditComparison::Rewritten { line } => write!(
                f,
                "the local log was rewritten: line {line} differs from the team store's copy"
            ),
            AuditComparison::Fork { line } => write!(
                f,
                "the local log forks from the team store's copy at line {line}: both go on from the same record with different ones"
            ),
            AuditComparison::CentralBehind { missing_from } => write!(
                f,
                "the team store lacks the local records from line {missing_from} on"
            ),
            AuditComparison::Reopened { before } => write!(
                f,
                "the local log was reopened after its file was deleted or replaced: the team store holds the {before} records written before that"
            ),
        }
    }
}

/// Compares the local log's lines with the store's copy (both in order, without newlines) and
/// names the first difference. Pure: no I/O.
pub fn compare_audit(local: &[String], central: &[String]) -> AuditComparison {
    if local.is_empty() {
        return if central.is_empty() {
            AuditComparison::Same
        } else {
            AuditComparison::LocalMissing
        };
    }
    if let Some(before) = reopened_at(local, central) {
        return AuditComparison::Reopened { before };
    }
    let first_difference = local.iter().zip(central).position(|(l, c)| l != c);
    match first_difference {
        Some(i) => {
            let line = i + 1;
            if forks(&local[i], &central[i]) {
                AuditComparison::Fork { line }
            } else {
                AuditComparison::Rewritten { line }
            }
        }
        None if local.len() < central.len() => AuditComparison::LocalTruncated {
            missing_from: local.len() + 1,
        },
        None if local.len() > central.len() => AuditComparison::CentralBehind {
            missing_from: central.len() + 1,
        },
        None => AuditComparison::Same,
    }
}

/// Where in the store's copy the local log begins, when its first line is the record of its
/// reopening and from there it agrees with the copy (the copy possibly behind).
fn reopened_at(local: &[String], central: &[String]) -> Option<usize> {
    let first = local.first()?;
    serde_json::from_str::<crate::audit::Record>(first)
        .ok()?
        .reopened_after()?;
    let k = central
        .iter()
        .rposition(|c| c == first)
        .filter(|&k| k > 0)?;
    let rest = &central[k..];
    let agrees = local.iter().zip(rest).all(|(l, c)| l == c) && local.len() >= rest.len();
    agrees.then_some(k)
}

/// Two different records at one position are a fork when each is a record of its own (both
/// sealed: the hash matches the content) that follows the same predecessor and was written at
/// another time; anything else there is an edit of the record.
fn forks(local: &str, central: &str) -> bool {
    let (Ok(l), Ok(c)) = (
        serde_json::from_str::<serde_json::Value>(local),
        serde_json::from_str::<serde_json::Value>(central),
    ) else {
        return false;
    };
    let field =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let same_prev = field(&l, "prev").is_some() && field(&l, "prev") == field(&c, "prev");
    let other_time = field(&l, "time") != field(&c, "time");
    same_prev && other_time && sealed(local) && sealed(central)
}

/// Whether a record's `hash` is the SHA-256 of the record serialized without it, as the local
/// log seals it.
/// Whether `line` is a record sealed as the audit log seals it (its hash over the bytes
/// before it): the audit module's own check, so both agree on what a sealed record is.
fn sealed(line: &str) -> bool {
    serde_json::from_str::<crate::audit::Record>(line).is_ok_and(|r| r.sealed_as(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_name_the_first_difference() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            compare_audit(&l(&["a", "b"]), &l(&["a", "b"])),
            AuditComparison::Same
        );
        assert_eq!(compare_audit(&[], &[]), AuditComparison::Same);
        assert_eq!(
            compare_audit(&[], &l(&["a"])),
            AuditComparison::LocalMissing
        );
        assert_eq!(
            compare_audit(&l(&["a"]), &l(&["a", "b", "c"])),
            AuditComparison::LocalTruncated { missing_from: 2 }
        );
        assert_eq!(
            compare_audit(&l(&["a", "x", "c"]), &l(&["a", "b", "c"])),
            AuditComparison::Rewritten { line: 2 }
        );
        assert_eq!(
            compare_audit(&l(&["a", "b", "c"]), &l(&["a"])),
            AuditComparison::CentralBehind { missing_from: 2 }
        );
    }

    #[test]
    fn a_log_reopened_after_its_file_was_deleted_is_named_as_such() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let gap = crate::audit::Record::seal(
            &crate::audit::Actor::default(),
            crate::audit::Event {
                targets: vec!["prev:b".into()],
                ..crate::audit::Event::test(crate::audit::REOPEN)
            },
            crate::audit::Outcome::Ok,
            "",
        )
        .line();
        let gap = gap.as_str();
        let central = l(&["a", "b", gap, "d"]);
        assert_eq!(
            compare_audit(&l(&[gap, "d"]), &central),
            AuditComparison::Reopened { before: 2 }
        );
        // The copy behind the reopened log still agrees.
        assert_eq!(
            compare_audit(&l(&[gap, "d", "e"]), &central),
            AuditComparison::Reopened { before: 2 }
        );
        // A reopened log that then differs from the copy is not excused.
        assert_eq!(
            compare_audit(&l(&[gap, "x"]), &central),
            AuditComparison::Rewritten { line: 1 }
        );
        // Any other first line is compared as before.
        assert_eq!(
            compare_audit(&l(&["d"]), &central),
            AuditComparison::Rewritten { line: 1 }
        );
    }
}
