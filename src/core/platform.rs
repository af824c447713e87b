//! Users of an investment platform (VASCO): their lifecycle, group and accounts.

use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum UserState {
    /// Registered, awaiting approval.
    Pending,
    Active,
    Inactive,
}

impl UserState {
    pub fn label(self) -> &'static str {
        match self {
            UserState::Pending => "pending",
            UserState::Active => "active",
            UserState::Inactive => "inactive",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserGroup {
    pub id: String,
    pub name: String,
    /// e.g. `customer`, `distributed_customer`.
    pub persona: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlatformAccount {
    pub id: String,
    pub label: String,
    /// Individual, corporate or joint.
    pub kind: String,
    /// e.g. `VALIDATED`, `REFUSED`.
    pub kyc_code: String,
    pub kyc_label: String,
    pub kyc_expires: Option<Date>,
    pub kyc_refused_comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlatformUser {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub mobile: Option<String>,
    pub state: UserState,
    pub accepted_at: Option<Timestamp>,
    /// Why an inactive user was deactivated.
    pub inactive_comment: Option<String>,
    pub group: Option<UserGroup>,
    pub accounts: Vec<PlatformAccount>,
    pub locale: Option<String>,
    pub last_login: Option<Timestamp>,
}

impl PlatformUser {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A new platform user, as the create form sends it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewPlatformUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile: Option<String>,
    /// `customer` or `distributed_customer`.
    pub persona: String,
    /// A corporate first account with this name; else an individual one.
    pub corporate_name: Option<String>,
}

/// A change to a platform user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PlatformChange {
    Create(NewPlatformUser),
    Activate {
        id: String,
    },
    Deactivate {
        id: String,
        comment: String,
    },
    /// Fields left `None` stay as they are.
    Update {
        id: String,
        first_name: Option<String>,
        last_name: Option<String>,
        mobile: Option<String>,
        group_id: Option<String>,
    },
}
