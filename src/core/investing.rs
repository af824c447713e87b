//! End users of an investment API (Upvest): who they are, their status, checks and tax
//! residencies.

/// An end user as lists and details show them.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct EndUser {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: String,
    #[serde(default)]
    pub nationalities: Vec<String>,
    pub address: EndUserAddress,
    /// ACTIVE, INACTIVE, OFFBOARDING or OFFBOARDED.
    pub status: String,
    pub created_at: String,
}

impl EndUser {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct EndUserAddress {
    pub address_line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    pub postcode: String,
    pub city: String,
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// A new end user (Upvest BYOL).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewEndUser {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: String,
    pub nationalities: Vec<String>,
    pub address: EndUserAddress,
}

/// A check on an end user (KYC, proof of residency, …).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct EndUserCheck {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct TaxResidency {
    pub country: String,
    #[serde(default)]
    pub tax_identifier_number: Option<String>,
    #[serde(default)]
    pub missing_tin_reason: Option<String>,
}

/// An end user with what the detail pane shows beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct EndUserDetail {
    pub user: EndUser,
    pub checks: Vec<EndUserCheck>,
    pub tax_residencies: Vec<TaxResidency>,
}

/// A change to an end user; each carries the idempotency key its resends reuse.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum EndUserChange {
    Create {
        user: NewEndUser,
        idempotency_key: String,
    },
    /// Accepted at once; the user goes OFFBOARDING, then OFFBOARDED.
    Offboard { id: String },
    /// Only the fields to change.
    RequestChange {
        id: String,
        fields: serde_json::Map<String, serde_json::Value>,
        idempotency_key: String,
    },
}
