//! Upvest end users' calls: the list, one user with checks, and changes.

use crate::app::backends::{Backends, audited_as};
use crate::backends::{BackendError, upvest};
use crate::core::Page;
use crate::core::investing::{EndUser, EndUserChange, EndUserDetail};

/// Only the changes (what four-eyes proposes) serialize; reads are never stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    Page { offset: usize },
    #[serde(skip)]
    One(String),
    /// Audited: intent before sending, outcome after.
    Change {
        change: Box<EndUserChange>,
        audit: Box<crate::audit::Event>,
    },
}

#[derive(Debug)]
pub enum Payload {
    Page(Page<EndUser>),
    Detail(Box<EndUserDetail>),
    /// A change went through; the user as they are now, when the API says.
    Changed(Option<Box<EndUser>>),
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        let read =
            |action: &str, targets| Some(crate::audit::Event::read(upvest::NAME, action, targets));
        match self {
            Call::Page { offset } => read("end-user.list", vec![format!("offset:{offset}")]),
            Call::One(id) => read("end-user.view", vec![format!("upvest-user:{id}")]),
            Call::Change { .. } => None,
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
            Call::Change { audit, .. } => Some(audit),
            _ => None,
        }
    }

    /// Sends the change with `key` as its idempotency key (a confirmed proposal's), where the
    /// API takes one.
    pub fn rekey(&mut self, key: &str) {
        if let Call::Change { change, .. } = self {
            match &mut **change {
                EndUserChange::Create {
                    idempotency_key, ..
                }
                | EndUserChange::RequestChange {
                    idempotency_key, ..
                } => *idempotency_key = key.to_string(),
                EndUserChange::Offboard { .. } => {}
            }
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Call::Page { .. } => "loading end users",
            Call::One(_) => "loading end user",
            Call::Change { .. } => "sending",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        Some(upvest::NAME)
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    Ok(match call {
        Call::Page { offset } => Payload::Page(b.upvest()?.end_users(offset).await?),
        Call::One(id) => Payload::Detail(Box::new(b.upvest()?.end_user(id).await?)),
        Call::Change { change, audit } => {
            let u = b.upvest()?;
            // A created user's id is known only from the answer: its outcome record says it.
            let created = |u: &Option<EndUser>, ev: &mut crate::audit::Event| {
                ev.targets
                    .extend(u.as_ref().map(|u| format!("upvest-user:{}", u.id)))
            };
            Payload::Changed(
                audited_as(&b.audit, &audit, u.change_end_user(*change), created)
                    .await?
                    .map(Box::new),
            )
        }
    })
}
