//! The review queue's calls: the queue, the document under review with its person, and the
//! decision.

use crate::app::backends::{Backends, audited, load_document};
use crate::backends::{BackendError, unioo};
use crate::core::*;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Queue {
        after: Option<String>,
        kind: Option<DocumentKind>,
    },
    /// The person beside the document (KYC and risk).
    Person(Uuid),
    Document {
        user: Uuid,
        kind: DocumentKind,
    },
    /// Audited: intent before sending, outcome after.
    Decide {
        decision: Box<Decision>,
        audit: Box<crate::audit::Event>,
    },
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
}

impl Call {
    pub fn describe(&self) -> &'static str {
        match self {
            Call::Queue { .. } => "loading review queue",
            Call::Person(_) => "loading person",
            Call::Document { .. } => "loading document",
            Call::Decide { .. } => "sending decision",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        Some(unioo::NAME)
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
    })
}
