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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonTab {
    Overview,
    Roles,
    Identity,
    Documents,
}

impl PersonTab {
    pub const ALL: [PersonTab; 4] = [
        PersonTab::Overview,
        PersonTab::Roles,
        PersonTab::Identity,
        PersonTab::Documents,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PersonTab::Overview => "Overview/KYC",
            PersonTab::Roles => "Roles",
            PersonTab::Identity => "Identity",
            PersonTab::Documents => "Documents",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

#[derive(Debug)]
pub struct PersonView {
    pub id: Uuid,
    /// The full CPR is shown (after an audited reveal) until the view changes.
    pub revealed: bool,
    /// Shown in the breadcrumbs before the person has loaded.
    pub title: String,
    pub person: Resource<Box<Person>>,
    pub tab: PersonTab,
    pub role_row: usize,
    pub document_row: usize,
    /// The document whose bytes were asked for, and the answer.
    pub open_document: Option<(DocumentKind, Resource<Option<DocumentFile>>)>,
}

impl PersonView {
    /// The person's documents in display order.
    pub fn documents(&self) -> Vec<&Legitimation> {
        self.person
            .loaded()
            .map(|p| {
                p.photo_legitimation
                    .iter()
                    .chain(p.social_security_card.iter())
                    .collect()
            })
            .unwrap_or_default()
    }
}
