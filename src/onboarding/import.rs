//! The bulk import's first phase: the header is checked, then every row is validated, before
//! anything is sent. Bad rows are reported with their line number and what is wrong.

use crate::core::{NewEmployee, validate};
use jiff::civil::Date;

/// The columns a file may have; the first five are required.
pub const COLUMNS: [&str; 10] = [
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "date_of_onboarding",
    "date_of_offboarding",
    "phone",
    "birthdate",
    "external_id",
    "department_id",
];
const REQUIRED: usize = 5;

/// One employee, ready to upsert.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub employee: NewEmployee,
    /// The department, when the file names one per row.
    pub department: Option<String>,
}

/// A row that cannot be sent, and every reason why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub line: u64,
    /// The row as it was in the file, for the rejects file (empty: read it again from there).
    pub record: Vec<String>,
    pub reasons: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum HeaderError {
    #[error("the file is empty: the first line must be the header ({})", COLUMNS[..REQUIRED].join(","))]
    Empty,
    #[error("the header lacks the column(s) {0}; it needs at least {needed}", needed = COLUMNS[..REQUIRED].join(","))]
    Missing(String),
    #[error("the header has unknown column(s) {0}; the known ones are {known}", known = COLUMNS.join(","))]
    Unknown(String),
    #[error("line 1: {0}")]
    Csv(String),
}

pub struct Parsed {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    pub rejected: Vec<Rejected>,
}

/// Reads a file a row at a time: the header is checked when it is opened, then each row is
/// validated as it is read, one record's memory reused for the next. Memory stays the same
/// however long the file.
pub struct Reader<R: std::io::Read> {
    csv: csv::Reader<R>,
    header: Vec<String>,
    record: csv::StringRecord,
    /// The line of the last record read (the header is line 1).
    line: u64,
    readable: bool,
}

impl<R: std::io::Read> Reader<R> {
    /// Reads and checks the header.
    pub fn new(input: R) -> Result<Reader<R>, HeaderError> {
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(input);
        let header: Vec<String> = csv
            .headers()
            .map_err(|e| HeaderError::Csv(e.to_string()))?
            .iter()
            .map(str::to_lowercase)
            .collect();
        if header.iter().all(|h| h.is_empty()) {
            return Err(HeaderError::Empty);
        }
        let missing: Vec<&str> = COLUMNS[..REQUIRED]
            .iter()
            .copied()
            .filter(|c| !header.iter().any(|h| h == c))
            .collect();
        if !missing.is_empty() {
            return Err(HeaderError::Missing(missing.join(",")));
        }
        let unknown: Vec<&str> = header
            .iter()
            .map(String::as_str)
            .filter(|h| !COLUMNS.contains(h))
            .collect();
        if !unknown.is_empty() {
            return Err(HeaderError::Unknown(unknown.join(",")));
        }
        Ok(Reader {
            csv,
            header,
            record: csv::StringRecord::new(),
            line: 1,
            readable: true,
        })
    }

    /// The header, lower-cased.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The next row's line, and the employee on it or every reason it cannot be sent.
    /// `None` at the end of the file.
    pub fn next_row(&mut self) -> Option<(u64, Result<Row, Vec<String>>)> {
        let read = self.csv.read_record(&mut self.record);
        self.line += 1;
        let line = self.line;
        match read {
            Ok(false) => None,
            Ok(true) => {
                self.readable = true;
                Some((line, row(line, &self.header, &self.record)))
            }
            Err(e) => {
                self.readable = false;
                Some((line, Err(vec![format!("unreadable: {e}")])))
            }
        }
    }

    /// The fields of the row last read, as they were in the file (none when it could not be
    /// read).
    pub fn fields(&self) -> Vec<String> {
        if self.readable {
            self.record.iter().map(String::from).collect()
        } else {
            Vec::new()
        }
    }
}

/// Reads and validates the whole file into memory: rows in order, bad rows with their reasons
/// (for a small file; an import streams it instead, see `run::check`).
pub fn parse(input: impl std::io::Read) -> Result<Parsed, HeaderError> {
    let mut reader = Reader::new(input)?;
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut seen = std::collections::HashMap::new();
    while let Some((line, result)) = reader.next_row() {
        match result {
            Ok(r) => match seen.insert(r.employee.employee_number.clone(), line) {
                Some(first) => rejected.push(Rejected {
                    line,
                    record: reader.fields(),
                    reasons: vec![repeats(first)],
                }),
                None => rows.push(r),
            },
            Err(reasons) => rejected.push(Rejected {
                line,
                record: reader.fields(),
                reasons,
            }),
        }
    }
    Ok(Parsed {
        header: reader.header,
        rows,
        rejected,
    })
}

/// Why a row whose employee number an earlier row has is not sent.
pub fn repeats(first: u64) -> String {
    format!("employee_number repeats line {first}")
}

fn row(line: u64, header: &[String], fields: &csv::StringRecord) -> Result<Row, Vec<String>> {
    let get = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .and_then(|i| fields.get(i))
            .unwrap_or("")
    };
    let mut reasons = Vec::new();
    if fields.len() != header.len() {
        reasons.push(format!(
            "has {} fields, the header has {}",
            fields.len(),
            header.len()
        ));
    }
    let check = |reasons: &mut Vec<String>, name: &str, result: Result<(), String>| {
        if let Err(e) = result {
            reasons.push(format!("{name} {e}"));
        }
    };
    for name in &COLUMNS[..REQUIRED] {
        check(
            &mut reasons,
            name,
            validate::required(get(name)).map(|_| ()),
        );
    }
    if !get("email").is_empty() {
        check(&mut reasons, "email", validate::email(get("email")));
    }
    let optional = |name: &str| Some(get(name)).filter(|v| !v.is_empty()).map(String::from);
    if let Some(p) = optional("phone") {
        check(&mut reasons, "phone", validate::phone_e164(&p));
    }
    let date = |name: &str| -> Result<Option<Date>, String> {
        optional(name)
            .map(|v| validate::date(&v).map_err(|e| format!("{name} {e}")))
            .transpose()
    };
    let (on, off, born) = (
        date("date_of_onboarding"),
        date("date_of_offboarding"),
        date("birthdate"),
    );
    for d in [&on, &off, &born] {
        if let Err(e) = d {
            reasons.push(e.clone());
        }
    }
    if let (Ok(Some(on)), Ok(off)) = (&on, &off) {
        check(
            &mut reasons,
            "date_of_offboarding",
            validate::offboarding_after_onboarding(*on, *off),
        );
    }
    match (reasons.is_empty(), on) {
        (true, Ok(Some(onboarding))) => Ok(Row {
            line,
            employee: NewEmployee {
                employee_number: get("employee_number").into(),
                first_name: get("first_name").into(),
                last_name: get("last_name").into(),
                email: get("email").into(),
                onboarding,
                offboarding: off.ok().flatten(),
                phone: optional("phone"),
                birthdate: born.ok().flatten(),
                external_id: optional("external_id"),
            },
            department: optional("department_id"),
        }),
        _ => Err(reasons),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "employee_number,first_name,last_name,email,date_of_onboarding,date_of_offboarding,phone";

    #[test]
    fn the_header_is_checked_first() {
        assert_eq!(parse("".as_bytes()).err(), Some(HeaderError::Empty));
        let e = parse("employee_number,first_name\n1,Ann\n".as_bytes())
            .err()
            .unwrap();
        assert_eq!(
            e,
            HeaderError::Missing("last_name,email,date_of_onboarding".into())
        );
        let e = parse(format!("{HEADER},shoe_size\n").as_bytes())
            .err()
            .unwrap();
        assert_eq!(e, HeaderError::Unknown("shoe_size".into()));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_reasons() {
        let file = format!(
            "{HEADER}\n\
             E1,Ann,Lee,ann@example.com,2024-01-01,,+4512345678\n\
             E2,Bo,,bo@example,2024-13-01,,\n\
             E3,Cy,Ray,cy@example.com,2024-05-01,2024-04-01,12345\n\
             E1,Di,Ng,di@example.com,2024-01-01,,\n\
             E4,Ed,Oh,ed@example.com,2024-01-01\n"
        );
        let p = parse(file.as_bytes()).unwrap();
        assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2]);
        let by_line: std::collections::HashMap<u64, &Rejected> =
            p.rejected.iter().map(|r| (r.line, r)).collect();
        let r3 = &by_line[&3].reasons;
        assert!(
            r3.iter().any(|r| r.starts_with("last_name is required")),
            "{r3:?}"
        );
        assert!(
            r3.iter().any(|r| r.starts_with("email is not an email")),
            "{r3:?}"
        );
        assert!(
            r3.iter()
                .any(|r| r.starts_with("date_of_onboarding is not a date")),
            "{r3:?}"
        );
        let r4 = &by_line[&4].reasons;
        assert!(
            r4.iter().any(|r| r.contains("before the onboarding"))
                && r4.iter().any(|r| r.starts_with("phone")),
            "{r4:?}"
        );
        assert_eq!(
            by_line[&5].reasons,
            vec!["employee_number repeats line 2".to_string()]
        );
        assert!(
            by_line[&6].reasons[0].contains("has 5 fields"),
            "{:?}",
            by_line[&6].reasons
        );
    }
}
