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

/// The review queue: pending documents, oldest first, each with who is working on it.
#[derive(Debug, Default)]
pub struct QueueView {
    pub list: PagedList<QueueRow>,
    pub kind: Option<DocumentKind>,
    /// When the claims were last asked for (they are asked again while the queue shows).
    pub claims_asked: Option<Instant>,
    pub claims_loading: Option<RequestId>,
    /// Why the claims are not known (the team store cannot be reached), shown in the footer.
    pub claims_error: Option<String>,
}

/// One document of the queue and the claim on it, as last heard from the team store.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub item: ReviewItem,
    pub claim: Option<ClaimShown>,
}

impl From<ReviewItem> for QueueRow {
    fn from(item: ReviewItem) -> Self {
        QueueRow { item, claim: None }
    }
}

/// A live claim: who holds it, and for how long they had held it when it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimShown {
    pub claim: crate::team::Claim,
    pub age: Duration,
    /// Whether this console's operator holds it.
    pub mine: bool,
}

impl ClaimShown {
    /// `ana 12 min` (the owner's name when it gave one, else its OS user).
    pub fn label(&self) -> String {
        let who = self
            .claim
            .owner_name
            .as_deref()
            .unwrap_or(&self.claim.owner);
        let mins = self.age.as_secs() / 60;
        if self.mine {
            format!("you {mins} min")
        } else {
            format!("{who} {mins} min")
        }
    }
}

/// Where the document view stands with its claim.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ClaimState {
    /// Not asked yet, or asked and not answered.
    #[default]
    Asking,
    /// This console holds it; renewed while the view is open.
    Mine { renewed: Instant },
    /// Someone else holds it: looking is allowed, deciding needs taking it over.
    Theirs(crate::team::Claim),
    /// The team store did not answer: deciding waits until it does.
    Unknown(String),
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
    pub claim: ClaimState,
    /// The claim (or renewal, or take-over) on its way.
    pub claiming: Option<RequestId>,
    /// `a` (false) or `r` (true) typed while the claim was on its way: asked once it is in.
    pub decide_when_claimed: Option<bool>,
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
            claim: ClaimState::Asking,
            claiming: None,
            decide_when_claimed: None,
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

    /// Who holds the document, as the view shows it.
    pub fn claim_text(&self) -> String {
        match &self.claim {
            ClaimState::Asking => "claiming…".into(),
            ClaimState::Mine { .. } => "you".into(),
            ClaimState::Theirs(c) => format!(
                "{} on {} since {}",
                c.owner_name.as_deref().unwrap_or(&c.owner),
                c.host,
                crate::format::datetime(Some(c.taken_at))
            ),
            ClaimState::Unknown(_) => "unknown: the team store did not answer".into(),
        }
    }

    /// Its version, the one a decision is sent against: as [`Self::state`].
    pub fn version(&self) -> i32 {
        self.current()
            .and_then(|c| c.version)
            .unwrap_or(self.item.version)
    }
}
