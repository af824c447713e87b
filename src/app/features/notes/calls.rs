//! The calls of case notes: a note added to a subject, and a subject's timeline. Both go to
//! the team store only; neither changes anything at a backend.

use crate::app::backends::Backends;
use crate::app::team;
use crate::backends::BackendError;
use crate::team::TimelineEntry;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    /// An internal note on `subject` (a store subject such as `Unioo:user:<uuid>`).
    #[serde(skip)]
    Add { subject: String, text: String },
    /// Everything recorded on a subject, newest first.
    #[serde(skip)]
    Timeline(String),
}

#[derive(Debug)]
pub enum Payload {
    Added,
    Timeline(Vec<TimelineEntry>),
}

impl Call {
    /// A note is the team's, not a backend's change: nothing to audit or to propose.
    pub fn audit_mut(&mut self) -> Option<&mut crate::audit::Event> {
        None
    }

    pub fn rekey(&mut self, key: &str) {
        let _ = key;
    }

    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        // The team's own notes and steps, not a backend's personal data.
        None
    }

    pub fn seen_version(&self) -> Option<String> {
        None
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Call::Add { .. } => "adding the note",
            Call::Timeline(_) => "loading the timeline",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        Some(team::NAME)
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    let store = b.team.store().await?;
    Ok(match call {
        Call::Add { subject, text } => {
            // A CPR number typed into a note is kept masked, whoever sent it.
            let text = crate::core::cpr::redact_cprs(&text);
            store
                .add_note(&subject, &b.team.me, &text)
                .await
                .map_err(team::error)?;
            Payload::Added
        }
        Call::Timeline(subject) => {
            Payload::Timeline(store.timeline(&subject).await.map_err(team::error)?)
        }
    })
}
