//! The one place the console reads the calendar: `core` is handed `today`, never reads it.

use jiff::civil::Date;

/// Today's date in UTC, for "not in the future".
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}
