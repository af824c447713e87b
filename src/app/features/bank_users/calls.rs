//! bunq users' calls: the list (newest first), one user, and an update.

use crate::app::backends::{Backends, audited};
use crate::backends::{BackendError, bunq};
use crate::core::Page;
use crate::core::banking::{BankUser, BankUserUpdate};

#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Page {
        older_id: Option<String>,
        loaded: usize,
    },
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
