//! The views of this feature: the open proposals, and one proposal beside its target's state.

use crate::app::action::RequestId;
use crate::app::state::Resource;
use crate::team::Proposal;
use std::time::Duration;

/// One open proposal, as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalRow {
    pub proposal: Proposal,
    /// Made by this console's operator: they cannot confirm it.
    pub mine: bool,
    /// How old it was when read.
    pub age: Duration,
}

/// One proposal opened by a checker: what the maker asked, and the target as it is now.
#[derive(Debug)]
pub struct ProposalView {
    pub row: ProposalRow,
    /// The target now, where this console can read it (a document's state and version).
    pub current: Resource<Option<super::calls::Current>>,
    /// A confirmation or a decline on its way.
    pub sending: Option<RequestId>,
    /// What came of it, or why nothing was done.
    pub notice: Option<String>,
    /// Confirmed, declined or void: nothing more to do here.
    pub settled: bool,
}

impl ProposalView {
    pub fn new(row: ProposalRow) -> ProposalView {
        ProposalView {
            row,
            current: Resource::Idle,
            sending: None,
            notice: None,
            settled: false,
        }
    }
}
