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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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

/// Where an employee a change acts on was found, as the console reached them: enough for a
/// second console to read them back (by external id, else company, department and id or
/// employee number). Carried in the change's audit targets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EmployeeAt {
    pub company_id: Option<String>,
    pub department_id: Option<String>,
    pub employee_id: Option<String>,
    pub employee_number: Option<String>,
    pub external_id: Option<String>,
}

impl EmployeeAt {
    const PREFIXES: [&str; 5] = [
        "company:",
        "department:",
        "employee:",
        "employee-number:",
        "employee-external-id:",
    ];

    pub fn of(
        e: &ClientEmployee,
        company_id: Option<&str>,
        department_id: Option<&str>,
    ) -> EmployeeAt {
        EmployeeAt {
            company_id: company_id.map(str::to_string),
            department_id: department_id.map(str::to_string),
            employee_id: Some(e.id.clone()),
            employee_number: e.employee_number.clone(),
            external_id: e.external_id.clone().filter(|x| !x.is_empty()),
        }
    }

    /// As audit targets (`company:…`, `department:…`, `employee:…`, …), the known ones.
    pub fn targets(&self) -> Vec<String> {
        let values = [
            &self.company_id,
            &self.department_id,
            &self.employee_id,
            &self.employee_number,
            &self.external_id,
        ];
        Self::PREFIXES
            .iter()
            .zip(values)
            .filter_map(|(p, v)| v.as_ref().map(|v| format!("{p}{v}")))
            .collect()
    }

    /// Read back from audit targets; `None` when they name no employee.
    pub fn from_targets(targets: &[String]) -> Option<EmployeeAt> {
        let find = |prefix: &str| {
            targets
                .iter()
                .find_map(|t| t.strip_prefix(prefix))
                .map(str::to_string)
        };
        let at = EmployeeAt {
            company_id: find(Self::PREFIXES[0]),
            department_id: find(Self::PREFIXES[1]),
            employee_id: find(Self::PREFIXES[2]),
            employee_number: find(Self::PREFIXES[3]),
            external_id: find(Self::PREFIXES[4]),
        };
        (at.employee_id.is_some() || at.employee_number.is_some() || at.external_id.is_some())
            .then_some(at)
    }

    /// Whether a second console can find the employee from this alone.
    pub fn readable(&self) -> bool {
        self.external_id.is_some() || (self.company_id.is_some() && self.department_id.is_some())
    }

    /// Whether `e` is the employee this names.
    pub fn is(&self, e: &ClientEmployee) -> bool {
        match (&self.employee_id, &self.employee_number, &self.external_id) {
            (Some(id), _, _) => &e.id == id,
            (None, Some(n), _) => e.employee_number.as_ref() == Some(n),
            (None, None, Some(x)) => e.external_id.as_ref() == Some(x),
            (None, None, None) => false,
        }
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
