//! One search across every configured backend: what was typed (a CPR, an email, an id or a
//! name), which backends can look for it, what each found, and the same person found in
//! several backends merged by CPR or email. Free of I/O; `sources` does the asking.

pub mod sources;

use crate::core::Cpr;
use std::fmt;

/// What the operator typed, once classified.
#[derive(Clone, PartialEq)]
pub enum Query {
    Cpr(Cpr),
    Email(String),
    /// Has a digit or is a UUID: a record id or an external id.
    Id(String),
    Name(String),
}

impl fmt::Debug for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown())
    }
}

impl Query {
    /// As the screen may show it: a CPR masked.
    pub fn shown(&self) -> String {
        match self {
            Query::Cpr(c) => c.masked(),
            Query::Email(s) | Query::Id(s) | Query::Name(s) => s.clone(),
        }
    }

    /// As the audit record keeps it: a CPR and an email masked, as elsewhere in the log.
    pub fn recorded(&self) -> String {
        match self {
            Query::Cpr(c) => format!("CPR:{}", c.masked()),
            Query::Email(e) => format!("email:{}", crate::core::mask_email(e)),
            Query::Id(s) => format!("id:{s}"),
            Query::Name(s) => format!("name:{s}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Query::Cpr(_) => "CPR",
            Query::Email(_) => "email",
            Query::Id(_) => "id",
            Query::Name(_) => "name",
        }
    }
}

/// Reads what was typed. Ten digits (with or without the dash) must be a valid CPR.
pub fn classify(text: &str, today: jiff::civil::Date) -> Result<Query, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Type a CPR number, a name, an email or an id.".into());
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits == 10
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
    {
        return Cpr::parse_on(t, today)
            .map(Query::Cpr)
            .map_err(|e| e.to_string());
    }
    if t.contains('@') {
        return crate::core::validate::email(t)
            .map(|_| Query::Email(t.to_lowercase()))
            .map_err(|e| format!("Email {e}"));
    }
    if digits > 0 || uuid::Uuid::parse_str(t).is_ok() {
        return Ok(Query::Id(t.to_string()));
    }
    if t.chars().count() < 2 {
        return Err("Type at least two letters of a name.".into());
    }
    Ok(Query::Name(t.to_string()))
}

/// The backends a search can ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Unioo,
    Healthmov,
    Vasco,
    Upvest,
    Bunq,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::Unioo,
        Source::Bunq,
        Source::Upvest,
        Source::Vasco,
        Source::Healthmov,
    ];

    /// The backend's own name, as its client reports it (health is kept by it).
    pub fn name(self) -> &'static str {
        use crate::backends::{bunq, healthmov, unioo, upvest, vasco};
        match self {
            Source::Unioo => unioo::NAME,
            Source::Healthmov => healthmov::NAME,
            Source::Vasco => vasco::NAME,
            Source::Upvest => upvest::NAME,
            Source::Bunq => bunq::NAME,
        }
    }

    /// Whether this backend can look for this kind of query: a CPR only where the backend
    /// knows CPRs (Unioo's SSN, bunq's Danish tax number); names and emails only where the
    /// users can be listed and matched.
    pub fn can_search(self, q: &Query) -> bool {
        let uuid = |s: &str| uuid::Uuid::parse_str(s).is_ok();
        let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        match (self, q) {
            (Source::Unioo, Query::Cpr(_)) => true,
            (Source::Unioo, Query::Id(s)) => uuid(s),
            (Source::Bunq, Query::Id(s)) => number(s),
            (Source::Bunq, _) => true,
            (Source::Upvest, Query::Name(_)) => true,
            (Source::Upvest, Query::Id(s)) => uuid(s),
            (Source::Vasco, Query::Email(_) | Query::Name(_)) => true,
            (Source::Vasco, Query::Id(s)) => number(s),
            (Source::Healthmov, Query::Id(_)) => true,
            (Source::Healthmov, Query::Name(s)) => !s.contains(' '),
            _ => false,
        }
    }
}

/// What opening a hit shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    UniooPerson(uuid::Uuid),
    BankUser(u64),
    EndUser(Box<crate::core::investing::EndUser>),
    PlatformUser(Box<crate::core::platform::PlatformUser>),
    Healthmov(Box<crate::core::Found>),
    /// A person's legitimation document, opened for review (from the person's Documents).
    UniooDocument(Box<crate::core::ReviewItem>),
}

impl Target {
    /// The record's id in its backend.
    pub fn id(&self) -> String {
        match self {
            Target::UniooPerson(id) => id.to_string(),
            Target::BankUser(id) => id.to_string(),
            Target::EndUser(u) => u.id.clone(),
            Target::PlatformUser(u) => u.id.clone(),
            Target::Healthmov(f) => match f.as_ref() {
                crate::core::Found::Employee(e) => e.id.clone(),
                crate::core::Found::Department(d) => d.id.clone(),
                crate::core::Found::Company(c) => c.id.clone(),
                crate::core::Found::Nothing => String::new(),
            },
            Target::UniooDocument(d) => d.document_id.to_string(),
        }
    }
}

/// One record found in one backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub source: Source,
    pub name: String,
    pub email: Option<String>,
    pub cpr: Option<Cpr>,
    /// A short line: status, kind of record.
    pub detail: String,
    pub target: Target,
    /// Hits with the same group are the same person.
    pub group: usize,
}

impl Hit {
    fn same_person(&self, other: &Hit) -> bool {
        let cpr = matches!((self.cpr, other.cpr), (Some(a), Some(b)) if a == b);
        let email = match (&self.email, &other.email) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        cpr || email
    }
}

/// Adds a backend's hits to the results, keeping the same person together: a hit that
/// shares a CPR or an email with earlier ones joins their group (and joins groups it links).
pub fn merge(results: &mut Vec<Hit>, new: Vec<Hit>) {
    for mut hit in new {
        let linked: Vec<usize> = results
            .iter()
            .filter(|r| r.same_person(&hit))
            .map(|r| r.group)
            .collect();
        hit.group = match linked.iter().min() {
            Some(&g) => {
                for r in results.iter_mut().filter(|r| linked.contains(&r.group)) {
                    r.group = g;
                }
                g
            }
            None => results.iter().map(|r| r.group + 1).max().unwrap_or(0),
        };
        results.push(hit);
    }
    // Groups in the order they were first found, each group's hits together and in a fixed
    // order of backends, so rows do not swap as answers come in.
    let first_seen = |g: usize, rs: &[Hit]| rs.iter().position(|r| r.group == g);
    let rank = |s: Source| Source::ALL.iter().position(|x| *x == s).unwrap_or(0);
    let keys: Vec<(usize, usize)> = results
        .iter()
        .map(|r| (first_seen(r.group, results).unwrap_or(0), rank(r.source)))
        .collect();
    let mut keyed: Vec<((usize, usize), Hit)> = keys.into_iter().zip(results.drain(..)).collect();
    keyed.sort_by_key(|(k, _)| *k);
    results.extend(keyed.into_iter().map(|(_, h)| h));
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_query_is_recorded_with_its_cpr_and_email_masked() {
        let today = jiff::civil::date(2026, 12, 3);
        let email = classify("ida.holm@client.example.com", today).unwrap();
        assert_eq!(email.recorded(), "email:i*******@client.example.com");
        let cpr = classify("070761-4285", today).unwrap();
        assert_eq!(cpr.recorded(), "CPR:070761-****");
    }

    use super::*;

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 24)
    }

    #[test]
    fn what_was_typed_decides_the_query_and_a_bad_cpr_is_refused() {
        assert!(matches!(
            classify("070761-4285", today()),
            Ok(Query::Cpr(_))
        ));
        assert!(matches!(classify("0707614285", today()), Ok(Query::Cpr(_))));
        assert!(classify("320761-4285", today()).is_err());
        assert_eq!(
            classify(" Ida.Holm@Example.com ", today()),
            Ok(Query::Email("ida.holm@example.com".into()))
        );
        assert!(classify("ida@", today()).unwrap_err().starts_with("Email"));
        assert_eq!(classify("2058", today()), Ok(Query::Id("2058".into())));
        assert_eq!(
            classify("EMP-0042", today()),
            Ok(Query::Id("EMP-0042".into()))
        );
        assert_eq!(
            classify("Ida Holm", today()),
            Ok(Query::Name("Ida Holm".into()))
        );
        assert!(classify("I", today()).is_err());
        assert!(classify("  ", today()).is_err());
        let q = classify("070761-4285", today()).unwrap();
        assert_eq!(format!("{q:?}"), "070761-****");
    }

    #[test]
    fn only_backends_that_know_the_kind_are_asked() {
        let cpr = classify("070761-4285", today()).unwrap();
        let asked: Vec<_> = Source::ALL.iter().filter(|s| s.can_search(&cpr)).collect();
        assert_eq!(asked, vec![&Source::Unioo, &Source::Bunq]);
        let email = Query::Email("a@b.dk".into());
        let asked: Vec<_> = Source::ALL
            .iter()
            .filter(|s| s.can_search(&email))
            .collect();
        assert_eq!(asked, vec![&Source::Bunq, &Source::Vasco]);
        let uuid = Query::Id(uuid::Uuid::nil().to_string());
        let asked: Vec<_> = Source::ALL.iter().filter(|s| s.can_search(&uuid)).collect();
        assert_eq!(
            asked,
            vec![&Source::Unioo, &Source::Upvest, &Source::Healthmov]
        );
    }

    fn hit(source: Source, email: &str, cpr: Option<&str>) -> Hit {
        Hit {
            source,
            name: "N".into(),
            email: Some(email.into()),
            cpr: cpr.map(|c| Cpr::parse_recorded(c).unwrap()),
            detail: String::new(),
            target: Target::BankUser(1),
            group: 0,
        }
    }

    #[test]
    fn the_same_person_is_grouped_by_cpr_or_email_and_groups_keep_arrival_order() {
        let mut r = Vec::new();
        merge(
            &mut r,
            vec![
                hit(Source::Unioo, "a@x.dk", Some("070761-4285")),
                hit(Source::Unioo, "b@x.dk", None),
            ],
        );
        merge(
            &mut r,
            vec![
                hit(Source::Bunq, "other@x.dk", Some("0707614285")),
                hit(Source::Bunq, "c@x.dk", None),
            ],
        );
        merge(&mut r, vec![hit(Source::Vasco, "B@X.DK", None)]);
        let shown: Vec<(Source, usize)> = r.iter().map(|h| (h.source, h.group)).collect();
        assert_eq!(
            shown,
            vec![
                (Source::Unioo, 0),
                (Source::Bunq, 0),
                (Source::Unioo, 1),
                (Source::Vasco, 1),
                (Source::Bunq, 2),
            ]
        );
        // Within a person, backends keep one order whoever answered first.
        let mut late = Vec::new();
        merge(&mut late, vec![hit(Source::Bunq, "a@x.dk", None)]);
        merge(&mut late, vec![hit(Source::Unioo, "a@x.dk", None)]);
        assert_eq!(late[0].source, Source::Unioo);
        // A hit that links two groups joins them.
        merge(
            &mut r,
            vec![hit(Source::Upvest, "c@x.dk", Some("070761-4285"))],
        );
        assert_eq!(r.iter().filter(|h| h.group == 0).count(), 4);
    }
}
