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

/// The longest line read as a record: records are a few hundred bytes, so a longer line is
/// damage, and reading stops there rather than holding it whole.
pub const MAX_LINE: usize = 1 << 20;

/// The chain so far, a line at a time.
struct Chain {
    prev_hash: String,
    count: usize,
}

impl Chain {
    fn new() -> Chain {
        Chain {
            prev_hash: GENESIS.to_string(),
            count: 0,
        }
    }

    /// Checks line `n` (1-based), without its newline, every byte of it.
    fn check(&mut self, n: usize, line: &str) -> Result<(), VerifyError> {
        let record: Record = serde_json::from_str(line).map_err(|e| VerifyError::Unreadable {
            line: n,
            detail: e.to_string(),
        })?;
        if !record.sealed_as(line) {
            return Err(VerifyError::Edited { line: n });
        }
        if record.prev != self.prev_hash {
            return Err(if n == 1 {
                VerifyError::BadStart
            } else {
                VerifyError::Broken {
                    line: n,
                    prev_line: n - 1,
                }
            });
        }
        self.prev_hash = record.hash;
        self.count += 1;
        Ok(())
    }
}

/// Checks every line (each without its `\n`, but with anything else it holds: split the
/// text on `\n` only, as [`verify_text`] does, so a CR added to a line is seen); returns how
/// many records are good, or the first bad line.
pub fn verify_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Result<usize, VerifyError> {
    let mut chain = Chain::new();
    for (i, line) in lines.enumerate() {
        chain.check(i + 1, line)?;
    }
    Ok(chain.count)
}

/// [`verify_lines`] over a log's whole text.
pub fn verify_text(text: &str) -> Result<usize, VerifyError> {
    verify_lines(text.split_terminator('\n'))
}

/// Verifies the log at `path`, read a line at a time.
pub fn verify_file(path: &Path) -> Result<usize, VerifyError> {
    use std::io::{BufRead, Read};
    let io = |e: std::io::Error| VerifyError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let mut reader = std::io::BufReader::new(super::open_regular(path).map_err(io)?);
    let mut chain = Chain::new();
    let mut buf = Vec::new();
    for n in 1.. {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(io)?;
        if read == 0 {
            break;
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        } else if buf.len() > MAX_LINE {
            return Err(VerifyError::Unreadable {
                line: n,
                detail: format!("longer than {MAX_LINE} bytes"),
            });
        }
        let line = std::str::from_utf8(&buf).map_err(|e| VerifyError::Unreadable {
            line: n,
            detail: e.to_string(),
        })?;
        chain.check(n, line)?;
    }
    Ok(chain.count)
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
    fn a_field_added_to_a_line_is_named() {
        let (_, lines) = log_of(3, "added");
        for edited in [
            lines[1].replacen('{', r#"{"note":"x","#, 1),
            lines[1].replacen(r#","hash":"#, r#","note":"x","hash":"#, 1),
        ] {
            let mut lines = lines.clone();
            lines[1] = edited;
            assert_eq!(check(&lines), Err(VerifyError::Edited { line: 2 }));
        }
    }

    #[test]
    fn keys_in_another_order_are_named() {
        let (_, mut lines) = log_of(3, "reordered");
        let swapped =
            lines[1].replacen(r#""os_user":"","host":"""#, r#""host":"","os_user":"""#, 1);
        assert_ne!(swapped, lines[1]);
        lines[1] = swapped;
        assert_eq!(check(&lines), Err(VerifyError::Edited { line: 2 }));
    }

    #[test]
    fn whitespace_added_to_a_line_is_named() {
        let (path, lines) = log_of(3, "whitespace");
        for edited in [
            lines[1].replacen("{", "{ ", 1),
            lines[1].replacen(r#"","#, r#"", "#, 1),
            format!("{} ", lines[1]),
            format!("{}\r", lines[1]),
        ] {
            let mut lines = lines.clone();
            lines[1] = edited;
            assert_eq!(check(&lines), Err(VerifyError::Edited { line: 2 }));
            // The same, as the file: every byte up to the newline is the line's.
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
            assert_eq!(verify_file(&path), Err(VerifyError::Edited { line: 2 }));
            assert_eq!(
                verify_text(&(lines.join("\n") + "\n")),
                Err(VerifyError::Edited { line: 2 })
            );
        }
    }

    #[test]
    fn records_sealed_before_the_hash_covered_the_line_still_verify() {
        // Then the hash was over the record without `hash`, its keys sorted.
        fn old_seal(event: Event, prev: &str) -> String {
            let mut r = Record::seal(&Actor::default(), event, Outcome::Ok, prev);
            let mut v = serde_json::to_value(&r).unwrap();
            v.as_object_mut().unwrap().remove("hash");
            r.hash = sha256_hex(serde_json::to_string(&v).unwrap().as_bytes());
            serde_json::to_string(&r).unwrap()
        }
        let first = old_seal(Event::test("old-1"), GENESIS);
        let prev: Record = serde_json::from_str(&first).unwrap();
        let second = old_seal(Event::test("old-2"), &prev.hash);
        let lines = vec![first.clone(), second];
        assert_eq!(check(&lines), Ok(2));
        // Nothing may be added to them either.
        let mut edited = lines.clone();
        edited[0] = first.replacen('{', r#"{"note":"x","#, 1);
        assert_eq!(check(&edited), Err(VerifyError::Edited { line: 1 }));
        let mut edited = lines;
        edited[0] = first.replacen("{", "{ ", 1);
        assert_eq!(check(&edited), Err(VerifyError::Edited { line: 1 }));
    }

    #[test]
    fn a_line_longer_than_any_record_is_named_without_being_held() {
        let (path, lines) = log_of(2, "long");
        let long = "x".repeat(MAX_LINE + 10);
        std::fs::write(&path, format!("{}\n{long}\n{}\n", lines[0], lines[1])).unwrap();
        assert!(matches!(
            verify_file(&path),
            Err(VerifyError::Unreadable { line: 2, detail }) if detail.contains("longer than")
        ));
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
