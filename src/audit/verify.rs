//! `backoffice audit verify`: walks the chain and names the first bad line.

use super::{GENESIS, Record};
use std::path::Path;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum VerifyError {
    #[error("line {line}: not a valid audit record ({detail})")]
    Unreadable { line: usize, detail: String },
    #[error("line {line}: its contents do not match its hash (the line was edited)")]
    Edited { line: usize },
    #[error(
        "line {line}: it does not follow line {prev_line} (a line was removed, inserted or moved here)"
    )]
    Broken { line: usize, prev_line: usize },
    #[error(
        "line 1: the first record does not start the chain (lines were removed from the start)"
    )]
    BadStart,
    #[error("cannot read {path}: {detail}")]
    Io { path: String, detail: String },
}

impl VerifyError {
    /// The 1-based line the problem was found at.
    pub fn line(&self) -> Option<usize> {
        match self {
            VerifyError::Unreadable { line, .. }
            | VerifyError::Edited { line }
            | VerifyError::Broken { line, .. } => Some(*line),
            VerifyError::BadStart => Some(1),
            VerifyError::Io { .. } => None,
        }
    }
}

/// Checks every line; returns how many records are good, or the first bad line.
pub fn verify_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Result<usize, VerifyError> {
    let mut prev_hash = GENESIS.to_string();
    let mut count = 0;
    for (i, line) in lines.enumerate() {
        let n = i + 1;
        let record: Record = serde_json::from_str(line).map_err(|e| VerifyError::Unreadable {
            line: n,
            detail: e.to_string(),
        })?;
        if record.compute_hash() != record.hash {
            return Err(VerifyError::Edited { line: n });
        }
        if record.prev != prev_hash {
            return Err(if n == 1 {
                VerifyError::BadStart
            } else {
                VerifyError::Broken {
                    line: n,
                    prev_line: n - 1,
                }
            });
        }
        prev_hash = record.hash;
        count += 1;
    }
    Ok(count)
}

pub fn verify_file(path: &Path) -> Result<usize, VerifyError> {
    let mut text = String::new();
    super::open_regular(path)
        .and_then(|mut f| std::io::Read::read_to_string(&mut f, &mut text))
        .map_err(|e| VerifyError::Io {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
    verify_lines(text.lines())
}

#[cfg(test)]
mod tests {
    use super::super::tests::temp_path;
    use super::super::*;
    use super::*;

    fn log_of(n: usize, tag: &str) -> (std::path::PathBuf, Vec<String>) {
        let path = temp_path(tag);
        let mut log = AuditLog::open(&path, Actor::default()).unwrap();
        for i in 0..n {
            log.append(Event::test(&format!("action-{i}")), Outcome::Ok)
                .unwrap();
        }
        let lines = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        (path, lines)
    }

    fn check(lines: &[String]) -> Result<usize, VerifyError> {
        verify_lines(lines.iter().map(String::as_str))
    }

    #[test]
    fn an_intact_log_verifies() {
        let (path, lines) = log_of(5, "ok");
        assert_eq!(check(&lines), Ok(5));
        assert_eq!(verify_file(&path), Ok(5));
    }

    #[test]
    fn one_flipped_byte_is_named() {
        let (_, mut lines) = log_of(5, "flip");
        let mut bytes = lines[2].clone().into_bytes();
        let at = lines[2].find("action-2").unwrap() + 7;
        bytes[at] ^= 0x01; // '2' -> '3'
        lines[2] = String::from_utf8(bytes).unwrap();
        assert_eq!(check(&lines), Err(VerifyError::Edited { line: 3 }));
    }

    #[test]
    fn a_deleted_line_is_named() {
        let (_, mut lines) = log_of(5, "delete");
        lines.remove(2);
        assert_eq!(
            check(&lines),
            Err(VerifyError::Broken {
                line: 3,
                prev_line: 2
            })
        );
        let (_, mut lines) = log_of(3, "delete-first");
        lines.remove(0);
        assert_eq!(check(&lines), Err(VerifyError::BadStart));
    }

    #[test]
    fn swapped_lines_are_named() {
        let (_, mut lines) = log_of(5, "swap");
        lines.swap(1, 2);
        assert_eq!(
            check(&lines),
            Err(VerifyError::Broken {
                line: 2,
                prev_line: 1
            })
        );
    }

    #[test]
    fn an_inserted_line_is_named() {
        let (_, mut lines) = log_of(5, "insert");
        // Even a well-formed, self-consistent record does not belong in the chain.
        let forged = Record::seal(
            &Actor::default(),
            Event::test("forged"),
            Outcome::Ok,
            GENESIS,
        );
        lines.insert(3, serde_json::to_string(&forged).unwrap());
        assert_eq!(
            check(&lines),
            Err(VerifyError::Broken {
                line: 4,
                prev_line: 3
            })
        );
    }

    #[test]
    fn garbage_is_named() {
        let (_, mut lines) = log_of(2, "garbage");
        lines.push("not json".into());
        assert!(matches!(
            check(&lines),
            Err(VerifyError::Unreadable { line: 3, .. })
        ));
    }
}
