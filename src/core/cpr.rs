//! Danish CPR numbers (the SSN the Unioo API searches by).
//!
//! A `Cpr` can only be built by validation, and it never prints the full number:
//! `Display` and `Debug` both show `DDMMYY-****`. The full number is reachable only through
//! [`Cpr::reveal`], which callers use for the wire and for audited reveals.

use jiff::civil::Date;
use std::fmt;

/// A validated CPR number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cpr {
    digits: [u8; 10],
    birth_date: Date,
}

/// Why a typed CPR number was refused. Messages never repeat the number itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    #[error("enter a CPR number")]
    Empty,
    #[error("a CPR number has only the digits 0-9 and an optional dash (DDMMYY-SSSS)")]
    NotDigits,
    #[error("a CPR number has 10 digits (DDMMYY-SSSS); this has {0}")]
    WrongLength(usize),
    #[error("the dash goes after the 6th digit (DDMMYY-SSSS)")]
    MisplacedDash,
    #[error("month {0:02} does not exist")]
    BadMonth(u8),
    #[error("day {day:02} does not exist in {month:02}/{year}")]
    BadDay { day: u8, month: u8, year: i16 },
    #[error("the birth date {0} is in the future")]
    Future(Date),
}

impl Cpr {
    /// Parses `DDMMYY-SSSS` or `DDMMYYSSSS` (surrounding white space ignored), checking the date
    /// against `today`. The modulus-11 check is deliberately not applied: numbers issued since
    /// 2007 need not satisfy it.
    pub fn parse_on(input: &str, today: Date) -> Result<Cpr, CprError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(CprError::Empty);
        }
        // `is_ascii_digit` rejects Unicode digits such as Arabic-Indic ones.
        if !s.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Err(CprError::NotDigits);
        }
        let dashes: Vec<usize> = s.match_indices('-').map(|(i, _)| i).collect();
        let compact: String = s.chars().filter(|c| *c != '-').collect();
        if compact.len() != 10 {
            return Err(CprError::WrongLength(compact.len()));
        }
        if !(dashes.is_empty() || dashes == [6]) {
            return Err(CprError::MisplacedDash);
        }
        let mut digits = [0u8; 10];
        for (slot, b) in digits.iter_mut().zip(compact.bytes()) {
            *slot = b - b'0';
        }
        let birth_date = birth_date(&digits)?;
        if birth_date > today {
            return Err(CprError::Future(birth_date));
        }
        Ok(Cpr { digits, birth_date })
    }

    /// A number a backend already holds: checked as a CPR, its birth date judged by that
    /// backend rather than by a clock (core reads none).
    pub fn parse_recorded(input: &str) -> Result<Cpr, CprError> {
        Self::parse_on(input, Date::MAX)
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Substitute numbers (erstatningsnumre) add 60 to the day.
    pub fn is_substitute(&self) -> bool {
        self.digits[0] >= 6
    }

    /// `DDMMYY-****`: the form shown everywhere unless a reveal was audited.
    pub fn masked(&self) -> String {
        let d = &self.digits;
        format!("{}{}{}{}{}{}-****", d[0], d[1], d[2], d[3], d[4], d[5])
    }

    /// The full number, `DDMMYY-SSSS`. Only for the wire and for audited reveals.
    pub fn reveal(&self) -> String {
        let s: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{}-{}", &s[..6], &s[6..])
    }
}

impl fmt::Display for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpr({})", self.masked())
    }
}

fn two(d: &[u8]) -> u8 {
    d[0] * 10 + d[1]
}

/// The century rule: digit 7 together with YY decides the year.
pub fn century_year(yy: u8, digit7: u8) -> i16 {
    let yy = i16::from(yy);
    match digit7 {
        0..=3 => 1900 + yy,
        4 | 9 if yy <= 36 => 2000 + yy,
        4 | 9 => 1900 + yy,
        _ if yy <= 57 => 2000 + yy,
        _ => 1800 + yy,
    }
}

fn birth_date(d: &[u8; 10]) -> Result<Date, CprError> {
    let mut day = two(&d[0..2]);
    if day > 60 {
        day -= 60;
    }
    let month = two(&d[2..4]);
    let year = century_year(two(&d[4..6]), d[6]);
    if !(1..=12).contains(&month) {
        return Err(CprError::BadMonth(month));
    }
    Date::new(year, month as i8, day as i8).map_err(|_| CprError::BadDay {
        day: two(&d[0..2]),
        month,
        year,
    })
}

/// Finds every substring that parses as a CPR number (`DDMMYYSSSS` or `DDMMYY-SSSS`, not part
/// of a longer run of digits). Used to redact backend messages and to scan rendered screens.
pub fn find_cprs(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_run = bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit());
        if starts_run {
            for len in [11usize, 10] {
                let end = i + len;
                if end > bytes.len() || (end < bytes.len() && bytes[end].is_ascii_digit()) {
                    continue;
                }
                let window = &bytes[i..end];
                let shape_ok = if len == 11 {
                    window[6] == b'-'
                        && window
                            .iter()
                            .enumerate()
                            .all(|(k, b)| k == 6 || b.is_ascii_digit())
                } else {
                    window.iter().all(u8::is_ascii_digit)
                };
                // All ASCII, so slicing at these byte offsets is on char boundaries.
                let cand = if shape_ok { &text[i..end] } else { "" };
                if shape_ok && Cpr::parse_on(cand, Date::constant(2100, 1, 1)).is_ok() {
                    found.push((i, end));
                    break;
                }
            }
        }
        i += 1;
    }
    found
}

/// Replaces every CPR number in `text` with its masked form.
pub fn redact_cprs(text: &str) -> String {
    let spans = find_cprs(text);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in spans {
        out.push_str(&text[last..start]);
        out.push_str(&text[start..start + 6]);
        out.push_str("-****");
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(s: &str) -> Result<Cpr, CprError> {
        Cpr::parse_on(s, Date::constant(2026, 11, 23))
    }

    #[test]
    fn issue_vectors() {
        assert_eq!(
            on("211062-5629").unwrap().birth_date(),
            Date::constant(1862, 10, 21)
        );
        assert_eq!(
            on("2110620629").unwrap().birth_date(),
            Date::constant(1962, 10, 21)
        );
        assert!(matches!(
            on("511062-5629"),
            Err(CprError::BadDay { day: 51, .. })
        ));
        assert_eq!(
            on("290200-4000").unwrap().birth_date(),
            Date::constant(2000, 2, 29)
        );
        assert!(matches!(on("290200-0000"), Err(CprError::BadDay { .. })));
        assert_eq!(
            on("010137-4000").unwrap().birth_date(),
            Date::constant(1937, 1, 1)
        );
        assert_eq!(
            on("010158-5000").unwrap().birth_date(),
            Date::constant(1858, 1, 1)
        );
        assert!(matches!(on("010136-4000"), Err(CprError::Future(_))));
        assert!(matches!(on("010157-5000"), Err(CprError::Future(_))));
        assert!(matches!(on("2110525629"), Err(CprError::Future(_))));
        assert_eq!(on("3112993000x"), Err(CprError::NotDigits));
        assert_eq!(on("31129930"), Err(CprError::WrongLength(8)));
        assert_eq!(on("٢١١٠٦٢٥٦٢٩"), Err(CprError::NotDigits));
    }

    #[test]
    fn substitute_numbers_are_accepted_and_flagged() {
        let c = on("811062-5629").unwrap();
        assert!(c.is_substitute());
        assert_eq!(c.birth_date(), Date::constant(1862, 10, 21));
        assert!(!on("211062-5629").unwrap().is_substitute());
        assert!(
            on("921062-5629").is_err(),
            "day 92 - 60 = 32 does not exist"
        );
    }

    #[test]
    fn dash_only_after_sixth_digit() {
        assert_eq!(on("21106-25629"), Err(CprError::MisplacedDash));
        assert_eq!(on("211062--5629"), Err(CprError::MisplacedDash));
        assert!(on(" 211062-5629 ").is_ok());
    }

    #[test]
    fn never_prints_the_full_number() {
        let c = on("2110620629").unwrap();
        assert_eq!(c.to_string(), "211062-****");
        assert_eq!(format!("{c:?}"), "Cpr(211062-****)");
        assert_eq!(c.reveal(), "211062-0629");
        for e in [
            on("511062-5629").unwrap_err(),
            on("2110525629").unwrap_err(),
        ] {
            assert!(!e.to_string().contains("5629"), "{e}");
        }
    }

    #[test]
    fn redaction_masks_numbers_in_free_text() {
        let t = "no user 2110620629 or 211062-5629; phone 12345678; id 12345678901";
        assert_eq!(
            redact_cprs(t),
            "no user 211062-**** or 211062-****; phone 12345678; id 12345678901"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_valid_number_round_trips_in_both_forms(d in 1u8..=28, m in 1u8..=12, yy in 0u8..=99, s in 0u16..=9999) {
            let dashed = format!("{d:02}{m:02}{yy:02}-{s:04}");
            let compact = dashed.replace('-', "");
            let far = Date::constant(2100, 1, 1);
            let a = Cpr::parse_on(&dashed, far).unwrap();
            let b = Cpr::parse_on(&compact, far).unwrap();
            proptest::prop_assert_eq!(a, b);
            proptest::prop_assert_eq!(a.reveal(), dashed);
        }
    }
}
