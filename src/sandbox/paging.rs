//! Cursor windows over an ordered list, HotChocolate style: a cursor is the base64 of the
//! item's position in the (filtered, sorted) list.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub range: Range<usize>,
    pub has_next: bool,
    pub has_previous: bool,
}

pub fn cursor(pos: usize) -> String {
    STANDARD.encode(pos.to_string())
}

fn decode(c: &str) -> Result<usize, String> {
    STANDARD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "the cursor is not valid".to_string())
}

fn size(n: Option<i32>, name: &str, max: usize) -> Result<Option<usize>, String> {
    match n {
        None => Ok(None),
        Some(n) if n < 0 || n as usize > max => {
            Err(format!("`{name}` must be between 0 and {max}, not {n}"))
        }
        Some(n) => Ok(Some(n as usize)),
    }
}

/// The slice of `len` items that `first/after/last/before` select.
pub fn window(
    len: usize,
    first: Option<i32>,
    after: Option<&str>,
    last: Option<i32>,
    before: Option<&str>,
    default: usize,
    max: usize,
) -> Result<Window, String> {
    let first = size(first, "first", max)?;
    let last = size(last, "last", max)?;
    let mut start = match after {
        Some(c) => (decode(c)? + 1).min(len),
        None => 0,
    };
    let mut end = match before {
        Some(c) => decode(c)?.min(len),
        None => len,
    };
    end = end.max(start);
    match (first, last) {
        (Some(f), _) => end = end.min(start + f),
        (None, Some(l)) => start = start.max(end.saturating_sub(l)),
        (None, None) => end = end.min(start + default),
    }
    if let (Some(_), Some(l)) = (first, last) {
        start = start.max(end.saturating_sub(l));
    }
    Ok(Window {
        range: start..end,
        has_next: end < len,
        has_previous: start > 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_paging_visits_every_item_once() {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let w = window(23, Some(5), after.as_deref(), None, None, 10, 100).unwrap();
            seen.extend(w.range.clone());
            if !w.has_next {
                break;
            }
            after = Some(cursor(w.range.end - 1));
        }
        assert_eq!(seen, (0..23).collect::<Vec<_>>());
    }

    #[test]
    fn backward_and_limits() {
        let w = window(23, None, None, Some(5), Some(&cursor(10)), 10, 100).unwrap();
        assert_eq!(w.range, 5..10);
        assert!(w.has_previous && w.has_next);
        assert!(window(23, Some(101), None, None, None, 10, 100).is_err());
        assert!(window(23, Some(-1), None, None, None, 10, 100).is_err());
        assert!(window(23, Some(1), Some("nope!"), None, None, 10, 100).is_err());
        assert_eq!(
            window(23, None, None, None, None, 10, 100).unwrap().range,
            0..10
        );
    }
}
