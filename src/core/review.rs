//! Legitimation review: the queue and decisions.

use super::{DocumentKind, LegitimationState, PersonSummary, Ssn};
use jiff::Timestamp;
use uuid::Uuid;

/// A document in the review queue, with who submitted it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub document_id: Uuid,
    pub kind: DocumentKind,
    /// The version the reviewer sees; a decision names it.
    pub version: i32,
    pub state: LegitimationState,
    pub created: Option<Timestamp>,
    pub expires: Option<Timestamp>,
    pub person: PersonSummary,
    pub cpr: Option<Ssn>,
}

impl ReviewItem {
    /// A person's document as the review queue would list it; `None` when the backend gave
    /// no id or version for it (nothing could be decided on).
    pub fn of(person: &crate::core::Person, doc: &crate::core::Legitimation) -> Option<ReviewItem> {
        Some(ReviewItem {
            document_id: doc.id?,
            kind: doc.kind,
            version: doc.version?,
            state: doc.state,
            created: doc.created,
            expires: doc.expires,
            person: crate::core::PersonSummary {
                id: person.id,
                first_name: person.first_name.clone(),
                last_name: person.last_name.clone(),
                email: person.email.clone(),
                organizations: person.organization_names(),
            },
            cpr: person.ssn().cloned(),
        })
    }

    /// Whether it expired before `now`: such a document cannot be approved.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires.is_some_and(|e| e < now)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    Approve,
    Reject { reason: String },
}

impl Verdict {
    pub fn action(&self) -> &'static str {
        match self {
            Verdict::Approve => "legitimation.approve",
            Verdict::Reject { .. } => "legitimation.reject",
        }
    }
}

/// One decision, exactly as it will be sent (and resent, with the same key).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    pub document_id: Uuid,
    pub kind: DocumentKind,
    pub expected_version: i32,
    pub verdict: Verdict,
    pub idempotency_key: String,
}
