//! The views of this feature: what it keeps on the navigation stack.

#[allow(unused_imports)]
use crate::app::{action::RequestId, paging::PagedList, state::*};
#[allow(unused_imports)]
use crate::core::*;
#[allow(unused_imports)]
use std::time::{Duration, Instant};
#[allow(unused_imports)]
use tui_input::Input;
#[allow(unused_imports)]
use uuid::Uuid;

/// The review queue: pending documents, oldest first.
#[derive(Debug, Default)]
pub struct QueueView {
    pub list: PagedList<ReviewItem>,
    pub kind: Option<DocumentKind>,
}

/// One document under review, with the facts a reviewer weighs beside it.
#[derive(Debug)]
pub struct DocumentView {
    pub item: ReviewItem,
    pub person: Resource<Box<Person>>,
    pub file: Resource<Option<DocumentFile>>,
    /// The decoded image, for drawing.
    pub image: Option<std::sync::Arc<image::DynamicImage>>,
    /// Why the file's image was not decoded (too large), shown in its place.
    pub image_refused: Option<String>,
    pub zoom: bool,
    /// A decision on its way.
    pub deciding: Option<RequestId>,
    /// The last decision's refusal, shown until the next one.
    pub notice: Option<String>,
    pub revealed: bool,
}

impl DocumentView {
    pub fn new(item: ReviewItem) -> DocumentView {
        DocumentView {
            item,
            person: Resource::Idle,
            file: Resource::Idle,
            image: None,
            image_refused: None,
            zoom: false,
            deciding: None,
            notice: None,
            revealed: false,
        }
    }

    /// The person's current record of this document, when loaded: fresher than the queue's.
    pub fn current(&self) -> Option<&Legitimation> {
        let p = self.person.loaded()?;
        [
            p.photo_legitimation.as_ref(),
            p.social_security_card.as_ref(),
        ]
        .into_iter()
        .flatten()
        .find(|d| d.id == Some(self.item.document_id))
    }

    /// Its state: the person's current record's, else the queue's.
    pub fn state(&self) -> LegitimationState {
        self.current().map_or(self.item.state, |c| c.state)
    }

    /// Its version, the one a decision is sent against: as [`Self::state`].
    pub fn version(&self) -> i32 {
        self.current()
            .and_then(|c| c.version)
            .unwrap_or(self.item.version)
    }
}
