//! The Unioo people directory's calls: the users list, a person, a person's document.

use crate::app::backends::{Backends, load_document};
use crate::backends::{BackendError, unioo};
use crate::core::*;
use uuid::Uuid;

/// Reads only: nothing here serializes (four-eyes proposals carry changes).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    Users { after: Option<String>, sort: Sort },
    #[serde(skip)]
    Person(Uuid),
    #[serde(skip)]
    Document { user: Uuid, kind: DocumentKind },
}

#[derive(Debug)]
pub enum Payload {
    Users(Page<PersonSummary>),
    Person(Option<Box<Person>>),
    /// Document bytes, and the image decoded from them when they are one.
    Document {
        file: Option<DocumentFile>,
        image: Option<std::sync::Arc<image::DynamicImage>>,
        /// Why an image was not decoded: larger than the console decodes.
        image_refused: Option<String>,
    },
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        let read =
            |action: &str, targets| Some(crate::audit::Event::read(unioo::NAME, action, targets));
        match self {
            Call::Users { after, .. } => read("person.list", vec![crate::audit::page_after(after)]),
            Call::Person(id) => Some(crate::app::backends::person_access(*id)),
            Call::Document { user, kind } => {
                Some(crate::app::backends::document_access(*user, *kind))
            }
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
        None
    }

    /// Sends the change with `key` as its idempotency key (a confirmed proposal's), where the
    /// API takes one.
    pub fn rekey(&mut self, key: &str) {
        let _ = key;
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Call::Users { .. } => "loading users",
            Call::Person(_) => "loading person",
            Call::Document { .. } => "loading document",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        Some(unioo::NAME)
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    use crate::app::paging::PAGE_SIZE;
    Ok(match call {
        Call::Users { after, sort } => {
            Payload::Users(b.people.users(after, sort, PAGE_SIZE).await?)
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
    })
}
