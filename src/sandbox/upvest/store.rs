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

fn postcode(v: &str) -> bool {
    (1..=10).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
}

/// "Must not be a P.O. box or c/o address."
use crate::core::validate::is_po_box as po_box;

fn check_address(field: &str, a: &Address) -> Result<(), Problem> {
    let bad = |what: &str| Err(problem(400, "bad_request", format!("`{field}.{what}`")));
    if a.address_line1.trim().is_empty() || a.address_line1.len() > 100 {
        return bad("address_line1` must be 1 to 100 characters");
    }
    if po_box(&a.address_line1) || a.address_line2.as_deref().is_some_and(po_box) {
        return Err(problem(
            400,
            "bad_request",
            format!("`{field}` must not be a P.O. box or c/o address"),
        ));
    }
    if !postcode(&a.postcode) {
        return bad("postcode` must be 1 to 10 letters, digits, spaces or dashes");
    }
    if !iso2(&a.country) {
        return bad("country` must be an ISO 3166-1 alpha-2 code such as DE");
    }
    if a.city.trim().is_empty() || a.city.chars().count() > 85 {
        return bad("city` must be 1 to 85 characters");
    }
    Ok(())
}

impl CreateUser {
    pub fn check(&self) -> Result<(), Problem> {
        let bad = |d: String| Err(problem(400, "bad_request", d));
        for (f, v) in [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
        ] {
            if !(2..=100).contains(&v.chars().count()) {
                return bad(format!("`{f}` must be 2 to 100 characters"));
            }
        }
        if self.birth_date.parse::<jiff::civil::Date>().is_err() {
            return bad("`birth_date` must be a date (YYYY-MM-DD)".into());
        }
        if self.nationalities.is_empty() || !self.nationalities.iter().all(|n| iso2(n)) {
            return bad("`nationalities` must list ISO 3166-1 alpha-2 codes such as DE".into());
        }
        if let Some(c) = &self.birth_country
            && !iso2(c)
        {
            return bad("`birth_country` must be an ISO 3166-1 alpha-2 code".into());
        }
        if let Some(s) = &self.salutation
            && ![
                "",
                "SALUTATION_MALE",
                "SALUTATION_FEMALE",
                "SALUTATION_FEMALE_MARRIED",
                "SALUTATION_DIVERSE",
            ]
            .contains(&s.as_str())
        {
            return bad("`salutation` is not one of the allowed values".into());
        }
        check_address("address", &self.address)?;
        if let Some(p) = &self.postal_address {
            check_address("postal_address", p)?;
        }
        Ok(())
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
    pub data_change_requests: Vec<(String, Value)>,
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

    pub fn request_change(
        &mut self,
        id: &str,
        change: Value,
        now: Timestamp,
    ) -> Result<(), Problem> {
        let user = self
            .get(id, now)
            .ok_or_else(|| problem(404, "not_found", "no user with this id"))?;
        if user.status == "OFFBOARDED" {
            return Err(problem(400, "bad_request", "the user is offboarded"));
        }
        const ALLOWED: [&str; 11] = [
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
        let Some(fields) = change.as_object().filter(|o| !o.is_empty()) else {
            return Err(problem(
                400,
                "bad_request",
                "a data change request names the fields to change",
            ));
        };
        if let Some(k) = fields.keys().find(|k| !ALLOWED.contains(&k.as_str())) {
            return Err(problem(
                400,
                "bad_request",
                format!("`{k}` cannot be changed"),
            ));
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
