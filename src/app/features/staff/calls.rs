//! Unioo bank employees' calls: the list and a new employee.

use crate::app::backends::{Backends, audited_as};
use crate::backends::{BackendError, unioo};
use crate::core::*;

/// Only the changes (what four-eyes proposes) serialize; reads are never stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    Page { after: Option<String>, sort: Sort },
    /// Audited: intent before sending, outcome after.
    Create {
        email: String,
        first_name: Option<String>,
        last_name: Option<String>,
        audit: Box<crate::audit::Event>,
    },
}

#[derive(Debug)]
pub enum Payload {
    Page(Page<Employee>),
    Created(Box<Employee>),
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        match self {
            Call::Page { after, .. } => Some(crate::audit::Event::read(
                unioo::NAME,
                "bank-employee.list",
                vec![crate::audit::page_after(after)],
            )),
            Call::Create { .. } => None,
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
            Call::Create { audit, .. } => Some(audit),
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
            Call::Page { .. } => "loading employees",
            Call::Create { .. } => "creating employee",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        Some(unioo::NAME)
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    use crate::app::paging::PAGE_SIZE;
    Ok(match call {
        Call::Page { after, sort } => {
            Payload::Page(b.people.employees(after, sort, PAGE_SIZE).await?)
        }
        Call::Create {
            email,
            first_name,
            last_name,
            audit,
        } => Payload::Created(Box::new(
            audited_as(
                &b.audit,
                &audit,
                b.staff.create_employee(email, first_name, last_name),
                |e: &Employee, ev| ev.targets.push(format!("employee:{}", e.id)),
            )
            .await?,
        )),
    })
}
