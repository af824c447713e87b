//! A bank's end user as bunq describes one (`UserPerson`), and the changes staff make to it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What `status` may be set to.
pub const STATUSES: [&str; 6] = [
    "ACTIVE", "BLOCKED", "SIGNUP", "RECOVERY", "DENIED", "ABORTED",
];
/// What `sub_status` may be set to.
pub const SUB_STATUSES: [&str; 9] = [
    "NONE",
    "FACE_RESET",
    "APPROVAL",
    "APPROVAL_DIRECTOR",
    "APPROVAL_PARENT",
    "APPROVAL_SUPPORT",
    "COUNTER_IBAN",
    "IDEAL",
    "SUBMIT",
];
pub const GENDERS: [&str; 3] = ["MALE", "FEMALE", "UNKNOWN"];

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BankUser {
    pub id: u64,
    pub created: String,
    pub updated: String,
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
    pub legal_name: String,
    pub display_name: String,
    pub public_nick_name: String,
    pub alias: Vec<Alias>,
    pub tax_resident: Vec<TaxResident>,
    pub address_main: Option<BankAddress>,
    pub address_postal: Option<BankAddress>,
    pub date_of_birth: String,
    pub place_of_birth: String,
    pub country_of_birth: String,
    pub nationality: String,
    pub all_nationality: Vec<String>,
    pub language: String,
    pub region: String,
    pub gender: String,
    pub status: String,
    pub sub_status: String,
    pub session_timeout: u64,
    pub daily_limit_without_confirmation_login: Option<Amount>,
}

impl BankUser {
    pub fn full_name(&self) -> String {
        [&self.first_name, &self.middle_name, &self.last_name]
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn alias(&self, kind: &str) -> Option<&str> {
        self.alias
            .iter()
            .find(|a| a.kind == kind)
            .map(|a| a.value.as_str())
    }

    pub fn email(&self) -> Option<&str> {
        self.alias("EMAIL")
    }

    pub fn phone(&self) -> Option<&str> {
        self.alias("PHONE_NUMBER")
    }

    /// The CPR number, when the user is a Danish tax resident.
    pub fn cpr(&self) -> Option<super::Cpr> {
        self.tax_resident
            .iter()
            .find(|t| t.country == "DK")
            .and_then(|t| super::Cpr::parse_recorded(&t.tax_number.0).ok())
    }

    /// `ACTIVE`, or `SIGNUP · APPROVAL` when there is a sub-status.
    pub fn status_text(&self) -> String {
        if self.sub_status.is_empty() || self.sub_status == "NONE" {
            self.status.clone()
        } else {
            format!("{} · {}", self.status, self.sub_status)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Alias {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TaxResident {
    pub country: String,
    pub tax_number: TaxNumber,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
}

/// A tax number: for Danish residents, their CPR. Shown and logged masked.
#[derive(Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(transparent)]
pub struct TaxNumber(pub String);

impl TaxNumber {
    /// A CPR keeps its birth date (`DDMMYY-****`); anything else only its last two characters.
    pub fn masked(&self) -> String {
        if let Ok(c) = super::Cpr::parse_recorded(&self.0) {
            return c.masked();
        }
        let chars: Vec<char> = self.0.chars().collect();
        let keep = chars.len().saturating_sub(2);
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i < keep { '•' } else { *c })
            .collect()
    }
}

impl fmt::Debug for TaxNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BankAddress {
    pub street: String,
    pub house_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub po_box: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailbox_name: Option<String>,
}

impl BankAddress {
    pub fn one_line(&self) -> String {
        format!(
            "{} {}, {} {}, {}",
            self.street, self.house_number, self.postal_code, self.city, self.country
        )
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
pub struct Amount {
    pub value: String,
    pub currency: String,
}

/// The writable fields of a `PUT /user-person/{id}`; only those set are sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize)]
pub struct BankUserUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_nick_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_nationality: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_timeout: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_main: Option<BankAddress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_postal: Option<BankAddress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_resident: Option<Vec<TaxResident>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_limit_without_confirmation_login: Option<Amount>,
}

impl BankUserUpdate {
    /// The wire names of the fields set, for the audit trail (never their values).
    pub fn field_names(&self) -> Vec<String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cpr_tax_number_is_masked_in_debug_and_found_as_the_cpr() {
        let user: BankUser = serde_json::from_value(serde_json::json!({
            "id": 7,
            "first_name": "Ida",
            "last_name": "Holm",
            "tax_resident": [{"country": "DK", "tax_number": "0707614285", "status": "CONFIRMED"}],
            "alias": [{"type": "EMAIL", "value": "ida@example.com", "name": "Ida"}]
        }))
        .unwrap();
        let debug = format!("{user:?}");
        assert!(!debug.contains("0707614285"), "{debug}");
        assert!(debug.contains("070761-****"), "{debug}");
        assert_eq!(user.cpr().unwrap().reveal(), "070761-4285");
        assert_eq!(user.email(), Some("ida@example.com"));
        assert_eq!(TaxNumber("DE12345".into()).masked(), "•••••45");
    }

    #[test]
    fn an_update_sends_only_what_is_set() {
        let u = BankUserUpdate {
            status: Some("BLOCKED".into()),
            sub_status: Some("NONE".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"status":"BLOCKED","sub_status":"NONE"}"#
        );
        assert_eq!(u.field_names(), vec!["status", "sub_status"]);
    }
}
