//! VASCO platform users' calls: the list and a lifecycle change.

use crate::app::backends::{Backends, audited_as};
use crate::backends::{BackendError, vasco};
use crate::core::Page;
use crate::core::platform::{PlatformChange, PlatformUser};

/// Only the changes (what four-eyes proposes) serialize; reads are never stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    Page { offset: usize },
    /// Audited: intent before sending, outcome after.
    Change {
        change: Box<PlatformChange>,
        audit: Box<crate::audit::Event>,
    },
}

#[derive(Debug)]
pub enum Payload {
    Page(Page<PlatformUser>),
    Changed(Box<PlatformUser>),
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        match self {
            Call::Page { offset } => Some(crate::audit::Event::read(
                vasco::NAME,
                "platform-user.list",
                vec![format!("offset:{offset}")],
            )),
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
            Call::Page { .. } => "loading platform users",
            Call::Change { .. } => "saving",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        Some(vasco::NAME)
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    Ok(match call {
        Call::Page { offset } => Payload::Page(b.vasco()?.platform_users(offset).await?),
        Call::Change { change, audit } => {
            let v = b.vasco()?;
            // A new user's id is known only from the answer (its intent says "new"); a
            // change names its user already.
            let created = |u: &PlatformUser, ev: &mut crate::audit::Event| {
                let id = format!("vasco-user:{}", u.id);
                if !ev.targets.contains(&id) {
                    ev.targets.push(id);
                }
            };
            Payload::Changed(Box::new(
                audited_as(&b.audit, &audit, v.change_platform_user(*change), created).await?,
            ))
        }
    })
}
