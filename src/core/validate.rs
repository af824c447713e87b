//! Field validation for forms and imports: each check says what is wrong in words an
//! operator can act on, and never repeats the value (it may be personal data).

use jiff::civil::Date;

pub fn required(value: &str) -> Result<&str, String> {
    let v = value.trim();
    if v.is_empty() {
        Err("is required".into())
    } else {
        Ok(v)
    }
}

/// A plausible address: something@domain.tld, no spaces.
pub fn email(value: &str) -> Result<(), String> {
    let v = value.trim();
    let ok = v.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.split('.').count() >= 2
            && domain.split('.').all(|p| !p.is_empty())
    }) && !v.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err("is not an email address (name@example.com)".into())
    }
}

/// E.164: a plus sign, then 8 to 15 digits.
pub fn phone_e164(value: &str) -> Result<(), String> {
    let digits = value.trim().strip_prefix('+').unwrap_or("");
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("must be in international form: + and 8 to 15 digits, e.g. +4512345678".into())
    }
}

/// An ISO 3166-1 alpha-3 code that exists (DNK, SWE, …).
pub fn country_alpha3(value: &str) -> Result<(), String> {
    isocountry::CountryCode::for_alpha3(&value.trim().to_uppercase())
        .map(|_| ())
        .map_err(|_| "is not an ISO 3166 alpha-3 country code (e.g. DNK)".into())
}

/// Whether an address line is a P.O. box or c/o address (Upvest refuses those).
pub fn is_po_box(line: &str) -> bool {
    let l = line.to_lowercase().replace(['.', ' '], "");
    l.contains("pobox") || l.contains("postbox") || l.contains("postfach") || l.starts_with("c/o")
}

/// A calendar date written YYYY-MM-DD.
pub fn date(value: &str) -> Result<Date, String> {
    value
        .trim()
        .parse::<Date>()
        .map_err(|_| "is not a date (YYYY-MM-DD)".into())
}

pub fn offboarding_after_onboarding(on: Date, off: Option<Date>) -> Result<(), String> {
    match off {
        Some(off) if off < on => Err("is before the onboarding date".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_refuses_what_it_should() {
        assert!(email("ann@example.com").is_ok());
        for bad in [
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@example.com",
            "ann@.com",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(phone_e164("+4512345678").is_ok());
        for bad in ["12345678", "+45 1234 5678", "+1234567", "+1234567890123456"] {
            assert!(phone_e164(bad).is_err(), "{bad}");
        }
        assert!(country_alpha3("DNK").is_ok());
        assert!(country_alpha3("XYZ").is_err());
        assert!(country_alpha3("DK").is_err());
        assert!(date("2024-02-29").is_ok());
        assert!(date("2023-02-29").is_err());
        let on = date("2024-01-01").unwrap();
        assert!(offboarding_after_onboarding(on, Some(date("2023-12-31").unwrap())).is_err());
        assert!(offboarding_after_onboarding(on, Some(on)).is_ok());
        assert!(
            !email("secret@").unwrap_err().contains("secret"),
            "messages never repeat the value"
        );
    }
}
