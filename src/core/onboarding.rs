//! Onboarding: an employee of a client company, as forms and imports send it.

use jiff::civil::Date;

/// The fields of a create-or-update of one employee.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NewEmployee {
    /// With the company, what the upsert is keyed by.
    pub employee_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub onboarding: Date,
    pub offboarding: Option<Date>,
    /// E.164.
    pub phone: Option<String>,
    pub birthdate: Option<Date>,
    pub external_id: Option<String>,
}
