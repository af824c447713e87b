//! Upvest end users' calls: the list, one user with checks, and changes.

use crate::app::backends::{Backends, audited_as};
use crate::backends::{BackendError, upvest};
use crate::core::Page;
use crate::core::investing::{EndUser, EndUserChange, EndUserDetail};

#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Page {
        offset: usize,
    },
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
