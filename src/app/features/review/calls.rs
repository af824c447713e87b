//! The review queue's calls: the queue, the document under review with its person, and the
//! decision.

use crate::app::backends::{Backends, audited, load_document};
use crate::app::team;
use crate::backends::{BackendError, unioo};
use crate::core::*;
use crate::team::ClaimResult;
use uuid::Uuid;

/// Only the changes (what four-eyes proposes) serialize; reads are never stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    Queue {
        after: Option<String>,
        kind: Option<DocumentKind>,
    },
    #[serde(skip)]
    /// The person beside the document (KYC and risk).
    Person(Uuid),
    #[serde(skip)]
    Document { user: Uuid, kind: DocumentKind },
    /// Audited: intent before sending, outcome after.
    Decide {
        decision: Box<Decision>,
        audit: Box<crate::audit::Event>,
    },
    #[serde(skip)]
    /// Who holds which of these documents (the queue's Claimed column).
    Claims(Vec<Uuid>),
    #[serde(skip)]
    /// Claims the document for this operator, or renews the claim it has.
    Claim(Uuid),
    #[serde(skip)]
    /// Takes the document from whoever holds it, with the reason (audited, and on the
    /// document's timeline).
    TakeOver {
        document: Uuid,
        reason: String,
        audit: Box<crate::audit::Event>,
    },
    #[serde(skip)]
    /// Lets the document go (sent on leaving it, after a decision and on quit).
    Release(Uuid),
}

/// The team store's name for a review document: its claim and its timeline.
pub fn subject(document: Uuid) -> String {
    format!("{}:document:{document}", unioo::NAME)
}

#[derive(Debug)]
pub enum Payload {
    Queue(Page<ReviewItem>),
    Person(Option<Box<Person>>),
    /// Document bytes, and the image decoded from them when they are one.
    Document {
        file: Option<DocumentFile>,
        image: Option<std::sync::Arc<image::DynamicImage>>,
        /// Why an image was not decoded: larger than the console decodes.
        image_refused: Option<String>,
    },
    Decided(ReviewItem),
    /// The live claims among the documents asked about.
    Claims(Vec<(Uuid, super::ClaimShown)>),
    Claimed(ClaimResult),
    Released,
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        let read =
            |action: &str, targets| Some(crate::audit::Event::read(unioo::NAME, action, targets));
        match self {
            Call::Queue { after, .. } => {
                read("review-queue.list", vec![crate::audit::page_after(after)])
            }
            Call::Person(id) => Some(crate::app::backends::person_access(*id)),
            Call::Document { user, kind } => {
                Some(crate::app::backends::document_access(*user, *kind))
            }
            Call::Decide { .. }
            | Call::Claims(_)
            | Call::Claim(_)
            | Call::TakeOver { .. }
            | Call::Release(_) => None,
        }
    }

    /// The version of the target the officer saw, where the change names one (a four-eyes
    /// proposal is void when the target moved on).
    pub fn seen_version(&self) -> Option<String> {
        match self {
            Call::Decide { decision, .. } => Some(decision.expected_version.to_string()),
            _ => None,
        }
    }

    /// The audit event of a change (what four-eyes checks and the checker's log records);
    /// `None` for a read.
    pub fn audit_mut(&mut self) -> Option<&mut crate::audit::Event> {
        match self {
            Call::Decide { audit, .. } | Call::TakeOver { audit, .. } => Some(audit),
            _ => None,
        }
    }

    /// Sends the change with `key` as its idempotency key (a confirmed proposal's), where the
    /// API takes one.
    pub fn rekey(&mut self, key: &str) {
        if let Call::Decide { decision, audit } = self {
            decision.idempotency_key = key.to_string();
            audit.correlation = key.to_string();
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Call::Queue { .. } => "loading review queue",
            Call::Person(_) => "loading person",
            Call::Document { .. } => "loading document",
            Call::Decide { .. } => "sending decision",
            Call::Claims(_) => "loading claims",
            Call::Claim(_) => "claiming the document",
            Call::TakeOver { .. } => "taking the document over",
            Call::Release(_) => "releasing the document",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        match self {
            Call::Claims(_) | Call::Claim(_) | Call::TakeOver { .. } | Call::Release(_) => {
                Some(team::NAME)
            }
            _ => Some(unioo::NAME),
        }
    }

    /// A release still goes out when the console quits.
    pub fn outlives_quit(&self) -> bool {
        matches!(self, Call::Release(_))
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    use crate::app::paging::PAGE_SIZE;
    Ok(match call {
        Call::Queue { after, kind } => {
            Payload::Queue(b.review.review_queue(after, kind, PAGE_SIZE).await?)
        }
        Call::Person(id) => Payload::Person(b.people.person(id).await?.map(Box::new)),
        Call::Document { user, kind } => {
            let d = load_document(b, user, kind).await?;
            Payload::Document {
                file: d.file,
                image: d.image,
                image_refused: d.image_refused,
            }
        }
        Call::Decide { decision, audit } => {
            Payload::Decided(audited(&b.audit, &audit, b.review.decide(*decision)).await?)
        }
        Call::Claims(documents) => {
            let items: Vec<String> = documents.into_iter().map(subject).collect();
            let store = b.team.store().await?;
            let claims = store.claims(&items).await.map_err(team::error)?;
            let (now, me) = (jiff::Timestamp::now(), b.team.me.key());
            Payload::Claims(
                claims
                    .into_iter()
                    .filter_map(|claim| {
                        let id = claim.item.rsplit(':').next()?.parse().ok()?;
                        let age = now.duration_since(claim.taken_at).unsigned_abs();
                        let mine = claim.owner == me;
                        Some((id, super::ClaimShown { claim, age, mine }))
                    })
                    .collect(),
            )
        }
        Call::Claim(document) => {
            let store = b.team.store().await?;
            let item = subject(document);
            let claimed = store.claim(&item, &b.team.me, b.team.claim_ttl).await;
            Payload::Claimed(claimed.map_err(team::error)?)
        }
        Call::TakeOver {
            document,
            reason,
            audit,
        } => {
            let store = b.team.store().await?;
            let taking = async {
                store
                    .take_over(&subject(document), &b.team.me, &reason, b.team.claim_ttl)
                    .await
                    .map_err(team::error)
            };
            Payload::Claimed(ClaimResult::Taken(audited(&b.audit, &audit, taking).await?))
        }
        Call::Release(document) => {
            let store = b.team.store().await?;
            store
                .release(&subject(document), &b.team.me)
                .await
                .map_err(team::error)?;
            Payload::Released
        }
    })
}
