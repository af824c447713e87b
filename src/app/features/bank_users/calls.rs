//! bunq users' calls: the list (newest first), one user, and an update.

use crate::app::backends::{Backends, audited};
use crate::backends::{BackendError, bunq};
use crate::core::Page;
use crate::core::banking::{BankUser, BankUserUpdate};

/// Only the changes (what four-eyes proposes) serialize; reads are never stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    Page {
        older_id: Option<String>,
        loaded: usize,
    },
    #[serde(skip)]
    One(u64),
    /// Audited: intent before sending, outcome after.
    Change {
        id: u64,
        update: Box<BankUserUpdate>,
        audit: Box<crate::audit::Event>,
    },
}

#[derive(Debug)]
pub enum Payload {
    Page(Page<BankUser>),
    One(Box<BankUser>),
    /// The update went through; the user as bunq now has them.
    Changed(Box<BankUser>),
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        let read =
            |action: &str, targets| Some(crate::audit::Event::read(bunq::NAME, action, targets));
        match self {
            Call::Page { older_id, .. } => read(
                "bunq-user.list",
                vec![format!(
                    "older-than:{}",
                    older_id.as_deref().unwrap_or("newest")
                )],
            ),
            Call::One(id) => read("bunq-user.view", vec![format!("bunq-user:{id}")]),
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
        let _ = key;
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Call::Page { .. } => "loading bunq users",
            Call::One(_) => "loading bunq user",
            Call::Change { .. } => "sending to bunq",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        Some(bunq::NAME)
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    Ok(match call {
        Call::Page { older_id, loaded } => {
            Payload::Page(b.bunq()?.bank_users(older_id, loaded).await?)
        }
        Call::One(id) => Payload::One(Box::new(b.bunq()?.bank_user(id).await?)),
        Call::Change { id, update, audit } => {
            let u = b.bunq()?;
            Payload::Changed(Box::new(
                audited(&b.audit, &audit, u.update_bank_user(id, *update)).await?,
            ))
        }
    })
}
