//! How values are written on screen. Times are UTC, as the APIs send them.

use jiff::Timestamp;

pub fn date(t: Option<Timestamp>) -> String {
    t.map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "—".into())
}

/// The one way a time is written on screen: `YYYY-MM-DD HH:MM UTC`.
pub fn datetime(t: Option<Timestamp>) -> String {
    t.map(|t| format!("{} UTC", minute(t)))
        .unwrap_or_else(|| "—".into())
}

/// `YYYY-MM-DD HH:MM` (UTC), for a column headed "(UTC)".
pub fn minute(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M").to_string()
}

pub fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "—",
    }
}

pub fn or_dash(s: Option<&str>) -> &str {
    match s {
        Some(s) if !s.is_empty() => s,
        _ => "—",
    }
}

/// 100000 -> "100,000"
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 record", "3 records", "1,000 records".
pub fn counted(n: usize, thing: &str) -> String {
    format!("{} {thing}{}", count(n), if n == 1 { "" } else { "s" })
}

/// The first 8 characters of an id, for narrow screens: two records of one name in one
/// backend are told apart.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(super::count(100_000), "100,000");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1_000), "1,000");
        assert_eq!(super::counted(1, "record"), "1 record");
        assert_eq!(super::counted(0, "record"), "0 records");
        assert_eq!(super::counted(1_000, "record"), "1,000 records");
    }
}

/// A duration in words, to the largest whole unit: "1 minute", "3 hours", "2 days".
pub fn duration_words(secs: u64) -> String {
    let (n, unit) = match secs {
        s if s < 60 => (s, "second"),
        s if s < 3_600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3_600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod duration_tests {
    #[test]
    fn durations_are_said_in_words_with_the_right_plural() {
        assert_eq!(super::duration_words(1), "1 second");
        assert_eq!(super::duration_words(60), "1 minute");
        assert_eq!(super::duration_words(150), "2 minutes");
        assert_eq!(super::duration_words(7_200), "2 hours");
        assert_eq!(super::duration_words(86_400 * 3), "3 days");
    }
}
