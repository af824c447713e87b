//! bunq users in the sandbox: `UserPerson` objects as the wire carries them, drawn from the
//! same people as the Unioo sandbox (same names, emails, phones and CPR numbers, the CPR as the
//! Danish tax number), so one person can be found in both.

use crate::core::banking::{GENDERS, STATUSES, SUB_STATUSES};
use crate::sandbox::data::World;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The operator the API key belongs to (the session's own user).
pub const OPERATOR_ID: u64 = 1001;
pub const FIRST_USER_ID: u64 = 2001;

pub struct Store {
    /// id → UserPerson; listed newest (highest id) first, as bunq lists.
    pub users: BTreeMap<u64, Map<String, Value>>,
    pub operator: Map<String, Value>,
}

/// bunq's timestamp form: `2026-10-01 08:00:00.000000`, UTC.
pub fn bunq_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

fn epoch() -> jiff::Timestamp {
    "2026-09-01T08:00:00Z".parse().expect("a timestamp")
}

fn address(street: &str, house: &str, postal: &str, city: &str) -> Value {
    json!({
        "street": street, "house_number": house, "postal_code": postal,
        "city": city, "country": "DK", "is_user_address_updated": false
    })
}

impl Store {
    pub fn generate(world: &World, count: usize) -> Store {
        let mut users = BTreeMap::new();
        let step = (world.people.len() / count.max(1)).max(1);
        for (n, idx) in (0..world.people.len())
            .step_by(step)
            .take(count)
            .enumerate()
        {
            let p = world.person(idx as u32);
            let id = FIRST_USER_ID + n as u64;
            let born = crate::core::Cpr::parse_recorded(&p.ssn)
                .map(|c| c.birth_date().to_string())
                .unwrap_or_default();
            let (status, sub_status) = match n % 10 {
                3 => ("SIGNUP", "APPROVAL"),
                7 => ("BLOCKED", "NONE"),
                9 if n % 20 == 9 => ("RECOVERY", "FACE_RESET"),
                _ => ("ACTIVE", "NONE"),
            };
            let at = bunq_time(epoch() + jiff::SignedDuration::from_hours(6 * n as i64));
            let name = format!("{} {}", p.first_name, p.last_name);
            let main = address(
                p.address.street,
                &p.address.house,
                p.address.postal_code,
                p.address.city,
            );
            let user = json!({
                "id": id,
                "created": at,
                "updated": at,
                "public_uuid": uuid::Uuid::from_u64_pair(0x6275_6e71, id).to_string(),
                "first_name": p.first_name,
                "middle_name": "",
                "last_name": p.last_name,
                "legal_name": name,
                "display_name": name,
                "public_nick_name": p.first_name,
                "alias": [
                    {"type": "EMAIL", "value": p.email, "name": name},
                    {"type": "PHONE_NUMBER", "value": p.phone.replace(' ', ""), "name": name},
                ],
                "tax_resident": [
                    {"country": "DK", "tax_number": p.ssn.replace('-', ""), "status": "CONFIRMED", "id": id * 10}
                ],
                "address_main": main,
                "address_postal": main,
                "date_of_birth": born,
                "place_of_birth": p.birth_city,
                "country_of_birth": p.birth_country.alpha2,
                "nationality": "DK",
                "all_nationality": ["DK"],
                "language": "da_DK",
                "region": "da_DK",
                // A CPR's last digit: odd for men, even for women.
                "gender": if p.ssn.ends_with(['1', '3', '5', '7', '9']) { GENDERS[0] } else { GENDERS[1] },
                "version_terms_of_service": "1.8",
                "status": status,
                "sub_status": sub_status,
                "session_timeout": 604800,
                "daily_limit_without_confirmation_login": {"value": "250.00", "currency": "EUR"},
                "notification_filters": [],
                "relations": [],
            });
            let Value::Object(user) = user else {
                unreachable!("a JSON object")
            };
            users.insert(id, user);
        }
        let Value::Object(operator) = json!({
            "id": OPERATOR_ID,
            "created": bunq_time(epoch()),
            "updated": bunq_time(epoch()),
            "public_uuid": uuid::Uuid::from_u64_pair(0x6275_6e71, OPERATOR_ID).to_string(),
            "first_name": "Sandbox",
            "middle_name": "",
            "last_name": "Operator",
            "legal_name": "Sandbox Operator",
            "display_name": "Sandbox Operator",
            "public_nick_name": "Operator",
            "alias": [{"type": "EMAIL", "value": "operator@bank.example.com", "name": "Sandbox Operator"}],
            "tax_resident": [],
            "nationality": "NL",
            "all_nationality": ["NL"],
            "language": "en_US",
            "region": "nl_NL",
            "gender": "UNKNOWN",
            "status": "ACTIVE",
            "sub_status": "NONE",
            "session_timeout": 604800,
            "notification_filters": [],
            "relations": [],
        }) else {
            unreachable!("a JSON object")
        };
        Store { users, operator }
    }

    /// Up to `count` users older than `older_id` (or newer than `newer_id`), newest first.
    pub fn page(&self, count: usize, older_id: Option<u64>, newer_id: Option<u64>) -> Vec<u64> {
        match (older_id, newer_id) {
            (_, Some(newer)) => {
                let mut ids: Vec<u64> = self
                    .users
                    .range(newer + 1..)
                    .take(count)
                    .map(|(id, _)| *id)
                    .collect();
                ids.reverse();
                ids
            }
            (older, None) => self
                .users
                .range(..older.unwrap_or(u64::MAX))
                .rev()
                .take(count)
                .map(|(id, _)| *id)
                .collect(),
        }
    }

    /// Applies a `PUT /user-person/{id}` after checking every field; `Err` is the
    /// error description.
    pub fn update(&mut self, id: u64, body: &[u8], now: jiff::Timestamp) -> Result<(), Refusal> {
        let update: Update = serde_json::from_slice(body).map_err(|e| {
            Refusal::Bad(format!(
                "The request body is not a valid UserPerson update: {e}"
            ))
        })?;
        update.check().map_err(Refusal::Bad)?;
        let user = if id == OPERATOR_ID {
            &mut self.operator
        } else {
            self.users.get_mut(&id).ok_or(Refusal::NotFound)?
        };
        let Ok(Value::Object(fields)) = serde_json::to_value(&update) else {
            unreachable!("an update serialises to an object")
        };
        for (k, v) in fields {
            if k.starts_with("document_") || k == "avatar_uuid" || k == "subscription_type" {
                continue; // accepted, not kept: the sandbox stores no documents
            }
            let v = if k.starts_with("address_") {
                let mut a = v;
                a["is_user_address_updated"] = Value::Bool(true);
                a
            } else {
                v
            };
            user.insert(k, v);
        }
        let (first, last) = (
            user["first_name"].as_str().unwrap_or_default().to_string(),
            user["last_name"].as_str().unwrap_or_default().to_string(),
        );
        user.insert("legal_name".into(), format!("{first} {last}").into());
        user.insert("updated".into(), bunq_time(now).into());
        Ok(())
    }
}

pub enum Refusal {
    NotFound,
    Bad(String),
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct AddressIn {
    street: String,
    house_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    po_box: Option<String>,
    postal_code: String,
    city: String,
    country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    extra: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mailbox_name: Option<String>,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct TaxResidentIn {
    country: String,
    tax_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct AmountIn {
    value: String,
    currency: String,
}

/// Every writable field of the spec's `UserPerson`; read-only ones are refused by name.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct Update {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_nick_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_main: Option<AddressIn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_postal: Option<AddressIn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tax_resident: Option<Vec<TaxResidentIn>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nationality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    all_nationality: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sub_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_timeout: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    daily_limit_without_confirmation_login: Option<AmountIn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subscription_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    avatar_uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_country_of_issuance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_front_attachment_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_back_attachment_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    legal_guardian_alias: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    signup_track_type: Option<String>,
}

fn alpha2(field: &str, v: &str) -> Result<(), String> {
    if v.len() == 2 && isocountry::CountryCode::for_alpha2(v).is_ok() {
        Ok(())
    } else {
        Err(format!(
            "{field} must be an ISO 3166-1 alpha-2 country code."
        ))
    }
}

fn one_of(field: &str, v: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&v) {
        Ok(())
    } else {
        Err(format!("{field} must be one of {}.", allowed.join(", ")))
    }
}

fn not_blank(field: &str, v: &Option<String>) -> Result<(), String> {
    match v {
        Some(s) if s.trim().is_empty() => Err(format!("{field} cannot be empty.")),
        _ => Ok(()),
    }
}

impl Update {
    fn check(&self) -> Result<(), String> {
        not_blank("first_name", &self.first_name)?;
        not_blank("last_name", &self.last_name)?;
        if let Some(s) = &self.status {
            one_of("status", s, &STATUSES)?;
        }
        if let Some(s) = &self.sub_status {
            one_of("sub_status", s, &SUB_STATUSES)?;
        }
        if let Some(g) = &self.gender {
            one_of("gender", g, &GENDERS)?;
        }
        if let Some(n) = &self.nationality {
            alpha2("nationality", n)?;
        }
        for n in self.all_nationality.iter().flatten() {
            alpha2("all_nationality", n)?;
        }
        for (field, a) in [
            ("address_main", &self.address_main),
            ("address_postal", &self.address_postal),
        ] {
            if let Some(a) = a {
                alpha2(&format!("{field}.country"), &a.country)?;
                if a.street.trim().is_empty() || a.city.trim().is_empty() {
                    return Err(format!("{field} needs a street and a city."));
                }
            }
        }
        for t in self.tax_resident.iter().flatten() {
            alpha2("tax_resident.country", &t.country)?;
            if t.tax_number.trim().is_empty() {
                return Err("tax_resident.tax_number cannot be empty.".into());
            }
            if let Some(s) = &t.status {
                one_of("tax_resident.status", s, &["CONFIRMED", "UNCONFIRMED"])?;
            }
        }
        if let Some(d) = &self.date_of_birth {
            crate::core::validate::date(d).map_err(|e| format!("date_of_birth {e}."))?;
        }
        if let Some(t) = self.session_timeout
            && !(30..=604_800).contains(&t)
        {
            return Err("session_timeout must be 30 to 604800 seconds.".into());
        }
        for (field, v) in [("language", &self.language), ("region", &self.region)] {
            if let Some(v) = v
                && !(v.len() == 5 && v.as_bytes()[2] == b'_')
            {
                return Err(format!("{field} must look like nl_NL."));
            }
        }
        if self.status.as_deref() == Some("BLOCKED")
            && self.sub_status.as_deref().is_some_and(|s| s != "NONE")
        {
            return Err("A blocked user's sub_status must be NONE.".into());
        }
        Ok(())
    }
}
