//! VASCO platform users' calls: the list and a lifecycle change.

use crate::app::backends::{Backends, audited};
use crate::backends::{BackendError, vasco};
use crate::core::Page;
use crate::core::platform::{PlatformChange, PlatformUser};

#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Page {
        offset: usize,
    },
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
            Payload::Changed(Box::new(
                audited(&b.audit, &audit, v.change_platform_user(*change)).await?,
            ))
        }
    })
}
