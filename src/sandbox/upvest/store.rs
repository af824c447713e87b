//! Upvest end users in the sandbox: the BYOL user shape of the spec, creation rules, the
//! offboarding that runs on its own, data change requests, checks and tax residencies.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// How long offboarding takes before the user is OFFBOARDED.
pub const OFFBOARDING_SECS: i64 = 2;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub address_line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    pub postcode: String,
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub city: String,
}

/// A "User (BYOL)" as the spec defines it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub birth_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_name: Option<String>,
    pub nationalities: Vec<String>,
    pub address: Address,
    pub postal_address: Option<Address>,
    pub status: String,
}

/// `POST /users` (BYOL): the fields the spec allows, nothing else.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub salutation: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    pub birth_date: String,
    #[serde(default)]
    pub birth_city: Option<String>,
    #[serde(default)]
    pub birth_country: Option<String>,
    #[serde(default)]
    pub birth_name: Option<String>,
    pub nationalities: Vec<String>,
    pub address: Address,
    #[serde(default)]
    pub postal_address: Option<Address>,
}

/// A refusal: the problem type slug and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub status: u16,
    pub kind: &'static str,
    pub detail: String,
}

pub fn problem(status: u16, kind: &'static str, detail: impl Into<String>) -> Problem {
    Problem {
        status,
        kind,
        detail: detail.into(),
    }
}

fn iso2(v: &str) -> bool {
    v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase())
}

/// The spec's `^[a-zA-Z0-9\s\-]{1,10}$`.
fn postcode(v: &str) -> bool {
    (1..=10).contains(&v.chars().count())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || c == '-')
}

/// `format: date` (RFC 3339 `full-date`): exactly `YYYY-MM-DD`, a day that exists.
fn full_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && v.parse::<jiff::civil::Date>().is_ok()
}

/// "Must not be a P.O. box or c/o address."
use crate::core::validate::is_po_box as po_box;

fn bad(detail: impl Into<String>) -> Problem {
    problem(400, "bad_request", detail)
}

fn check_address(field: &str, a: &Address) -> Result<(), Problem> {
    let what = |rule: &str| Err(bad(format!("`{field}.{rule}")));
    if a.address_line1.trim().is_empty() || a.address_line1.chars().count() > 100 {
        return what("address_line1` must be 1 to 100 characters");
    }
    if a.address_line2
        .as_ref()
        .is_some_and(|l| l.chars().count() > 100)
    {
        return what("address_line2` must be at most 100 characters");
    }
    if po_box(&a.address_line1) || a.address_line2.as_deref().is_some_and(po_box) {
        return Err(bad(format!(
            "`{field}` must not be a P.O. box or c/o address"
        )));
    }
    if !postcode(&a.postcode) {
        return what("postcode` must be 1 to 10 letters, digits, spaces or dashes");
    }
    if !iso2(&a.country) {
        return what("country` must be an ISO 3166-1 alpha-2 code such as DE");
    }
    if a.state.as_ref().is_some_and(|s| s.chars().count() > 50) {
        return what("state` must be at most 50 characters");
    }
    if a.city.trim().is_empty() || a.city.chars().count() > 85 {
        return what("city` must be 1 to 85 characters");
    }
    Ok(())
}

const SALUTATIONS: [&str; 5] = [
    "",
    "SALUTATION_MALE",
    "SALUTATION_FEMALE",
    "SALUTATION_FEMALE_MARRIED",
    "SALUTATION_DIVERSE",
];

const TITLES: [&str; 6] = ["", "DR", "PROF", "PROF_DR", "DIPL_ING", "MAGISTER"];

/// The values a request sets on a user: every field of `POST /users`, each one optional, so
/// that creation and a data change request are checked by the same rules.
#[derive(Default)]
struct Values<'a> {
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    salutation: Option<&'a str>,
    title: Option<&'a str>,
    birth_date: Option<&'a str>,
    birth_city: Option<&'a str>,
    birth_country: Option<&'a str>,
    birth_name: Option<&'a str>,
    nationalities: Option<&'a [String]>,
    address: Option<&'a Address>,
    postal_address: Option<&'a Address>,
}

/// Each value given, checked as the spec's user schema says.
fn check_values(v: &Values<'_>) -> Result<(), Problem> {
    for (f, value) in [("first_name", v.first_name), ("last_name", v.last_name)] {
        if value.is_some_and(|n| !(2..=100).contains(&n.chars().count())) {
            return Err(bad(format!("`{f}` must be 2 to 100 characters")));
        }
    }
    if v.birth_date.is_some_and(|d| !full_date(d)) {
        return Err(bad("`birth_date` must be a date (YYYY-MM-DD)"));
    }
    if v.birth_city
        .is_some_and(|c| !(1..=85).contains(&c.chars().count()))
    {
        return Err(bad("`birth_city` must be 1 to 85 characters"));
    }
    if v.birth_country.is_some_and(|c| !iso2(c)) {
        return Err(bad("`birth_country` must be an ISO 3166-1 alpha-2 code"));
    }
    if v.birth_name.is_some_and(|n| n.chars().count() > 100) {
        return Err(bad("`birth_name` must be at most 100 characters"));
    }
    if v.nationalities
        .is_some_and(|n| n.is_empty() || !n.iter().all(|c| iso2(c)))
    {
        return Err(bad(
            "`nationalities` must list ISO 3166-1 alpha-2 codes such as DE",
        ));
    }
    if v.salutation.is_some_and(|s| !SALUTATIONS.contains(&s)) {
        return Err(bad("`salutation` is not one of the allowed values"));
    }
    if v.title.is_some_and(|t| !TITLES.contains(&t)) {
        return Err(bad("`title` is not one of the allowed values"));
    }
    if let Some(a) = v.address {
        check_address("address", a)?;
    }
    if let Some(p) = v.postal_address {
        check_address("postal_address", p)?;
    }
    Ok(())
}

/// The body as a JSON object whose fields are not null (but `postal_address`, which the spec
/// lets be null): the spec's types are not nullable, and serde would read a null as absent.
fn object_without_nulls(body: &[u8]) -> Result<serde_json::Map<String, Value>, Problem> {
    let value: Value = serde_json::from_slice(body).map_err(|e| bad(e.to_string()))?;
    let Value::Object(fields) = value else {
        return Err(bad("the body must be a JSON object"));
    };
    if let Some((k, _)) = fields
        .iter()
        .find(|(k, v)| v.is_null() && k.as_str() != "postal_address")
    {
        return Err(bad(format!("`{k}` must not be null")));
    }
    Ok(fields)
}

impl CreateUser {
    /// The body of `POST /users`, its fields of the right types; [`CreateUser::check`] checks
    /// their values.
    pub fn from_body(body: &[u8]) -> Result<CreateUser, Problem> {
        let fields = object_without_nulls(body)?;
        serde_json::from_value(Value::Object(fields)).map_err(|e| bad(e.to_string()))
    }

    fn values(&self) -> Values<'_> {
        Values {
            first_name: Some(&self.first_name),
            last_name: Some(&self.last_name),
            salutation: self.salutation.as_deref(),
            title: self.title.as_deref(),
            birth_date: Some(&self.birth_date),
            birth_city: self.birth_city.as_deref(),
            birth_country: self.birth_country.as_deref(),
            birth_name: self.birth_name.as_deref(),
            nationalities: Some(&self.nationalities),
            address: Some(&self.address),
            postal_address: self.postal_address.as_ref(),
        }
    }

    pub fn check(&self) -> Result<(), Problem> {
        check_values(&self.values())
    }
}

/// `POST /users/{id}/data_change_requests` (BYOL): any of the fields of `POST /users`, at
/// least one, with the same rules; `postal_address` may be null (back to the address).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChangeUser {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub salutation: Option<String>,
    pub title: Option<String>,
    pub birth_date: Option<String>,
    pub birth_city: Option<String>,
    pub birth_country: Option<String>,
    pub birth_name: Option<String>,
    pub nationalities: Option<Vec<String>>,
    pub address: Option<Address>,
    #[serde(default, deserialize_with = "present")]
    pub postal_address: Option<Option<Address>>,
}

/// A field that is present, null or not: `Some(None)` for null.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<Address>>, D::Error> {
    Option::<Address>::deserialize(d).map(Some)
}

/// The fields a data change request may name.
const CHANGEABLE: [&str; 11] = [
    "first_name",
    "last_name",
    "salutation",
    "title",
    "birth_date",
    "birth_city",
    "birth_country",
    "birth_name",
    "nationalities",
    "address",
    "postal_address",
];

impl ChangeUser {
    /// The body of a data change request, refused with the field at fault: an object naming
    /// at least one changeable field, none of them null but `postal_address`, each value
    /// valid as `POST /users` would have it.
    pub fn parse(body: &[u8]) -> Result<ChangeUser, Problem> {
        let fields = object_without_nulls(body)?;
        if fields.is_empty() {
            return Err(bad("a data change request names the fields to change"));
        }
        if let Some(k) = fields.keys().find(|k| !CHANGEABLE.contains(&k.as_str())) {
            return Err(bad(format!("`{k}` cannot be changed")));
        }
        let change: ChangeUser =
            serde_json::from_value(Value::Object(fields)).map_err(|e| bad(e.to_string()))?;
        check_values(&change.values())?;
        Ok(change)
    }

    fn values(&self) -> Values<'_> {
        Values {
            first_name: self.first_name.as_deref(),
            last_name: self.last_name.as_deref(),
            salutation: self.salutation.as_deref(),
            title: self.title.as_deref(),
            birth_date: self.birth_date.as_deref(),
            birth_city: self.birth_city.as_deref(),
            birth_country: self.birth_country.as_deref(),
            birth_name: self.birth_name.as_deref(),
            nationalities: self.nationalities.as_deref(),
            address: self.address.as_ref(),
            postal_address: self.postal_address.as_ref().and_then(Option::as_ref),
        }
    }
}

struct Stored {
    user: User,
    offboarding_since: Option<Timestamp>,
}

#[derive(Default)]
pub struct Store {
    users: Vec<Stored>,
    /// idempotency key → (request body hash, user id).
    idempotency: HashMap<String, (Vec<u8>, String)>,
    pub data_change_requests: Vec<(String, ChangeUser)>,
}

fn now_text(now: Timestamp) -> String {
    now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

impl Store {
    fn status(s: &Stored, now: Timestamp) -> String {
        match s.offboarding_since {
            Some(t) if now.as_second() - t.as_second() >= OFFBOARDING_SECS => "OFFBOARDED".into(),
            Some(_) => "OFFBOARDING".into(),
            None => s.user.status.clone(),
        }
    }

    fn view(s: &Stored, now: Timestamp) -> User {
        User {
            status: Self::status(s, now),
            ..s.user.clone()
        }
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// A page in creation order (`order` DESC reverses it).
    pub fn list(&self, offset: usize, limit: usize, descending: bool, now: Timestamp) -> Vec<User> {
        let views = self.users.iter().map(|s| Self::view(s, now));
        if descending {
            views.rev().skip(offset).take(limit).collect()
        } else {
            views.skip(offset).take(limit).collect()
        }
    }

    pub fn get(&self, id: &str, now: Timestamp) -> Option<User> {
        self.users
            .iter()
            .find(|s| s.user.id == id)
            .map(|s| Self::view(s, now))
    }

    /// Creates a user once per idempotency key: the same request again returns the first
    /// result; another request with the same key is refused.
    pub fn create(
        &mut self,
        key: &str,
        body: &[u8],
        req: CreateUser,
        now: Timestamp,
    ) -> Result<User, Problem> {
        if let Some((first, id)) = self.idempotency.get(key) {
            if first.as_slice() != body {
                return Err(problem(
                    422,
                    "idempotency_key_reused",
                    "this idempotency-key was used with a different request",
                ));
            }
            return self
                .get(id, now)
                .ok_or_else(|| problem(500, "internal_server_error", "lost user"));
        }
        req.check()?;
        let at = now_text(now);
        let user = User {
            id: uuid::Uuid::new_v4().to_string(),
            created_at: at.clone(),
            updated_at: at,
            first_name: req.first_name,
            last_name: req.last_name,
            salutation: req.salutation,
            title: req.title,
            birth_date: req.birth_date,
            birth_city: req.birth_city,
            birth_country: req.birth_country,
            birth_name: req.birth_name,
            nationalities: req.nationalities,
            postal_address: Some(req.postal_address.unwrap_or_else(|| req.address.clone())),
            address: req.address,
            status: "ACTIVE".into(),
        };
        self.idempotency
            .insert(key.to_string(), (body.to_vec(), user.id.clone()));
        self.users.push(Stored {
            user: user.clone(),
            offboarding_since: None,
        });
        Ok(user)
    }

    /// `DELETE /users/{id}`: accepted; the user goes OFFBOARDING, then OFFBOARDED.
    pub fn offboard(&mut self, id: &str, now: Timestamp) -> Result<(), Problem> {
        let s = self
            .users
            .iter_mut()
            .find(|s| s.user.id == id)
            .ok_or_else(|| problem(404, "not_found", "no user with this id"))?;
        s.offboarding_since.get_or_insert(now);
        s.user.updated_at = now_text(now);
        Ok(())
    }

    /// A data change request (already parsed and checked, see [`ChangeUser::parse`]) for a
    /// user who is not offboarded: kept, answered 202.
    pub fn request_change(
        &mut self,
        id: &str,
        change: ChangeUser,
        now: Timestamp,
    ) -> Result<(), Problem> {
        let user = self
            .get(id, now)
            .ok_or_else(|| problem(404, "not_found", "no user with this id"))?;
        if user.status == "OFFBOARDED" {
            return Err(bad("the user is offboarded"));
        }
        self.data_change_requests.push((id.to_string(), change));
        Ok(())
    }

    /// Sandbox data: a few dozen users created a day apart.
    pub fn generate(seed: u64, people: usize) -> Store {
        use crate::sandbox::data::{FIRST_NAMES, LAST_NAMES, rng};
        let mut r = rng(seed, 50, 0);
        let mut s = Store::default();
        let epoch: Timestamp = "2026-10-01T08:00:00Z".parse().expect("a timestamp");
        let cities = [
            ("Berlin", "10115"),
            ("München", "80331"),
            ("Hamburg", "20095"),
        ];
        for i in 0..people {
            let at = epoch + jiff::SignedDuration::from_hours(24 * i as i64);
            let (city, postcode) = cities[r.usize(..cities.len())];
            let mut bytes = [0u8; 16];
            r.fill(&mut bytes);
            let user = User {
                id: uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .to_string(),
                created_at: now_text(at),
                updated_at: now_text(at),
                first_name: FIRST_NAMES[r.usize(..FIRST_NAMES.len())].into(),
                last_name: LAST_NAMES[r.usize(..LAST_NAMES.len())].into(),
                salutation: None,
                title: None,
                birth_date: format!(
                    "{}-{:02}-{:02}",
                    r.u16(1950..2004),
                    r.u8(1..13),
                    r.u8(1..29)
                ),
                birth_city: None,
                birth_country: Some("DK".into()),
                birth_name: None,
                nationalities: vec!["DK".into()],
                address: Address {
                    address_line1: format!("Hauptstraße {}", r.u8(1..200)),
                    address_line2: None,
                    postcode: postcode.into(),
                    country: "DE".into(),
                    state: None,
                    city: city.into(),
                },
                postal_address: None,
                status: if r.u8(0..100) < 90 {
                    "ACTIVE"
                } else {
                    "INACTIVE"
                }
                .into(),
            };
            s.users.push(Stored {
                user,
                offboarding_since: None,
            });
        }
        s
    }
}
