//! Onboarding: an employee of a client company, as forms and imports send it.

use jiff::civil::Date;

/// The fields of a create-or-update of one employee.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

/// How a company or department is reached again: the Healthmov API has no lookup by id, so by
/// the caller's external id when it has one, else as the one edge after a cursor in its
/// parent's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    ExternalId(String),
    /// After this cursor (`None`: the first).
    After(Option<String>),
}

impl Locator {
    /// By external id when there is one (stable when rows are added), else by position.
    pub fn of(external_id: Option<&str>, after: Option<String>) -> Locator {
        match external_id {
            Some(x) if !x.is_empty() => Locator::ExternalId(x.to_string()),
            _ => Locator::After(after),
        }
    }
}

/// A client company.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub id: String,
    pub name: String,
    pub brand: Option<String>,
    pub logo_url: Option<String>,
    pub external_id: Option<String>,
    pub country: Option<String>,
    pub account_manager: Option<String>,
    pub onboarding: Option<Date>,
    pub offboarding: Option<Date>,
    pub locator: Locator,
}

/// The fields of a create (or create-or-update, keyed by external id) of a company.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewCompany {
    pub name: String,
    pub logo_url: String,
    pub external_id: Option<String>,
    /// ISO 3166 alpha-3.
    pub country: Option<String>,
    pub account_manager: Option<String>,
    pub onboarding: Option<Date>,
    pub offboarding: Option<Date>,
}

/// A department of a client company.
#[derive(Debug, Clone, PartialEq)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub external_id: Option<String>,
    /// The company, when the department was reached through it (a search by external id
    /// does not say which company a department belongs to).
    pub company: Option<(String, Locator)>,
    pub locator: Locator,
}

/// Someone covered through a client employee.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependent {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_id: Option<String>,
    pub birthdate: Option<Date>,
    pub onboarding: Option<Date>,
    pub offboarding: Option<Date>,
    pub onboarded_at: Option<Date>,
    pub has_access: bool,
}

/// An employee of a client company, with their dependents.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientEmployee {
    pub id: String,
    pub employee_number: Option<String>,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub birthdate: Option<Date>,
    pub onboarding: Option<Date>,
    pub offboarding: Option<Date>,
    /// When access actually began; `None` before the onboarding date.
    pub onboarded_at: Option<Date>,
    pub has_access: bool,
    /// (all, onboarded, offboarded), as the API counts them.
    pub dependent_counts: (u32, u32, u32),
    pub dependents: Vec<Dependent>,
}

impl ClientEmployee {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A dependent as forms send it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewDependent {
    pub first_name: String,
    pub last_name: String,
    pub birthdate: Date,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_id: Option<String>,
    pub onboarding: Option<Date>,
    pub offboarding: Option<Date>,
}

/// What a search by external id found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Employee(Box<ClientEmployee>),
    Department(Department),
    Company(Company),
    Nothing,
}

/// One change an onboarding form sends.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Change {
    /// `upsert`: create-or-update keyed by external id; else create.
    Company {
        company: NewCompany,
        upsert: bool,
    },
    Department {
        company_id: String,
        name: String,
        external_id: Option<String>,
    },
    /// `dependents: None` leaves an existing employee's dependents as they are.
    Employee {
        company_id: String,
        department_id: String,
        employee: NewEmployee,
        dependents: Option<Vec<NewDependent>>,
    },
    Dependent {
        parent_email: String,
        dependent: NewDependent,
    },
    Offboarding {
        employee_id: String,
        date: Date,
    },
}

/// What a change answered with.
#[derive(Debug, Clone, PartialEq)]
pub enum Changed {
    Company(Box<Company>),
    Department(Department),
    Employee(Box<ClientEmployee>),
}
