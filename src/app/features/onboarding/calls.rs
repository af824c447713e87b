//! Healthmov's calls: companies, departments and employees, changes to them, the login, and
//! the CSV import (checked first, then sent with its progress).

use crate::app::action::Password;
use crate::app::backends::{Backends, audit_refusal, audited, audited_as};
use crate::backends::{BackendError, Onboarding, healthmov};
use crate::core::*;
use std::sync::atomic::AtomicBool;

/// Rows sent at once by an import started in the console.
pub const IMPORT_CONCURRENCY: usize = crate::onboarding::upload::CONCURRENCY as usize;

/// Only the changes (what four-eyes proposes) serialize; reads are never stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    Companies { after: Option<String> },
    #[serde(skip)]
    Departments {
        company_id: String,
        company: Locator,
        after: Option<String>,
    },
    #[serde(skip)]
    ClientEmployees {
        department: Box<Department>,
        after: Option<String>,
    },
    #[serde(skip)]
    FindExternalId(String),
    /// Audited: intent before sending, outcome after.
    Save {
        change: Box<Change>,
        audit: Box<crate::audit::Event>,
    },
    #[serde(skip)]
    LogIn(Password),
    #[serde(skip)]
    /// Reads and checks a CSV file; sends nothing.
    CheckImport {
        path: std::path::PathBuf,
        department_given: bool,
    },
    #[serde(skip)]
    /// Audited as one action; the runner streams its progress (`Action::ImportProgress`).
    Import {
        checked: Box<crate::onboarding::run::Checked>,
        company_id: String,
        department_id: Option<String>,
        audit: Box<crate::audit::Event>,
    },
}

#[derive(Debug)]
pub enum Payload {
    Companies(Page<Company>),
    Departments(Page<Department>),
    ClientEmployees(Page<ClientEmployee>),
    Found(Found),
    Saved(Changed),
    LoggedIn,
    /// A CSV file read and checked; nothing sent yet.
    ImportChecked(Box<crate::onboarding::run::Checked>),
    Imported(crate::onboarding::run::Report),
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        let read = |action: &str, targets| {
            Some(crate::audit::Event::read(healthmov::NAME, action, targets))
        };
        match self {
            // Companies and departments are organisations, not people.
            Call::Companies { .. } | Call::Departments { .. } => None,
            Call::ClientEmployees { department, after } => read(
                "employee.list",
                vec![
                    format!("department:{}", department.id),
                    crate::audit::page_after(after),
                ],
            ),
            Call::FindExternalId(x) => read("external-id.search", vec![format!("external-id:{x}")]),
            Call::Save { .. } | Call::LogIn(_) | Call::CheckImport { .. } | Call::Import { .. } => {
                None
            }
        }
    }

    /// The version of the target the officer saw, where the change names one (a four-eyes
    /// proposal is void when the target moved on).
    pub fn seen_version(&self) -> Option<String> {
        None
    }

    /// The audit event of a change (what four-eyes checks and the checker's log records);
    /// `None` for a read.
    pub fn audit_mut(&mut self) -> Option<&mut crate::audit::Event> {
        match self {
            Call::Save { audit, .. } | Call::Import { audit, .. } => Some(audit),
            _ => None,
        }
    }

    /// Sends the change with `key` as its idempotency key (a confirmed proposal's), where the
    /// API takes one.
    pub fn rekey(&mut self, key: &str) {
        let _ = key;
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Call::Companies { .. } => "loading companies",
            Call::Departments { .. } => "loading departments",
            Call::ClientEmployees { .. } => "loading employees",
            Call::FindExternalId(_) => "looking up external id",
            Call::Save { .. } => "saving",
            Call::LogIn(_) => "logging in to Healthmov",
            Call::CheckImport { .. } => "checking the file",
            Call::Import { .. } => "importing",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        match self {
            // Reading a file on this machine says nothing about Healthmov.
            Call::CheckImport { .. } => None,
            _ => Some(healthmov::NAME),
        }
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    Ok(match call {
        Call::Companies { after } => Payload::Companies(b.healthmov()?.companies(after).await?),
        Call::Departments {
            company_id,
            company,
            after,
        } => Payload::Departments(
            b.healthmov()?
                .departments(company_id, company, after)
                .await?,
        ),
        Call::ClientEmployees { department, after } => {
            Payload::ClientEmployees(b.healthmov()?.client_employees(*department, after).await?)
        }
        Call::FindExternalId(id) => Payload::Found(b.healthmov()?.find_external_id(id).await?),
        Call::Save { change, audit } => {
            let o = b.healthmov()?;
            Payload::Saved(audited(&b.audit, &audit, save(&**o, *change)).await?)
        }
        Call::LogIn(password) => {
            b.healthmov()?.log_in(password.0).await?;
            Payload::LoggedIn
        }
        Call::CheckImport {
            path,
            department_given,
        } => {
            let checked = tokio::task::spawn_blocking(move || {
                crate::onboarding::run::check(&path, department_given)
            })
            .await
            .map_err(|e| audit_refusal(e.to_string()))?
            .map_err(|e| BackendError::Local {
                what: "Import",
                detail: format!("{e:#}"),
            })?;
            Payload::ImportChecked(Box::new(checked))
        }
        // Started by the runner through `import`, which streams its progress.
        Call::Import { .. } => {
            return Err(BackendError::Local {
                what: "Import",
                detail: "an import runs only from the console's runner".into(),
            });
        }
    })
}

async fn save(o: &dyn Onboarding, change: Change) -> Result<Changed, BackendError> {
    Ok(match change {
        Change::Company { company, upsert } => {
            Changed::Company(Box::new(o.save_company(company, upsert).await?))
        }
        Change::Department {
            company_id,
            name,
            external_id,
        } => Changed::Department(o.create_department(company_id, name, external_id).await?),
        Change::Employee {
            company_id,
            department_id,
            employee,
            dependents,
        } => Changed::Employee(Box::new(
            o.save_employee(company_id, department_id, employee, dependents)
                .await?,
        )),
        Change::Dependent {
            parent_email,
            dependent,
        } => Changed::Employee(Box::new(o.save_dependent(parent_email, dependent).await?)),
        Change::Offboarding { employee_id, date } => {
            Changed::Employee(Box::new(o.set_offboarding(employee_id, date).await?))
        }
    })
}

/// Sends a checked import between its audit records, reporting progress as rows finish;
/// `stop` asks it to finish the rows in flight and report.
pub async fn import(
    b: &Backends,
    checked: crate::onboarding::run::Checked,
    company: String,
    department: Option<String>,
    audit: &crate::audit::Event,
    stop: &AtomicBool,
    on_progress: impl FnMut(&crate::onboarding::upload::Progress),
) -> Result<Payload, BackendError> {
    let client = b.healthmov()?.clone();
    let run = async {
        let target = crate::onboarding::upload::Target {
            company: &company,
            department: department.as_deref(),
        };
        let upsert: &dyn crate::backends::healthmov::EmployeeUpsert = &*client;
        crate::onboarding::run::run(
            upsert,
            checked,
            target,
            IMPORT_CONCURRENCY,
            stop,
            on_progress,
        )
        .await
        .map_err(|e| BackendError::Local {
            what: "Import",
            detail: format!("{e:#}"),
        })
    };
    // What went in is known only at the end; an import that sent nothing says so.
    let sent = |r: &crate::onboarding::run::Report, ev: &mut crate::audit::Event| {
        ev.reason = Some(r.audit_note());
    };
    Ok(Payload::Imported(
        audited_as(&b.audit, audit, run, sent).await?,
    ))
}
