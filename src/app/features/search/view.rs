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
pub enum SearchFocus {
    Input,
    Results,
}

#[derive(Debug)]
pub struct SearchView {
    pub input: Input,
    pub focus: SearchFocus,
    /// Why what was typed was refused, shown under the field.
    pub error: Option<String>,
    /// What was last searched: the field shows it (a CPR masked) once submitted.
    pub submitted: Option<crate::search::Query>,
    /// One entry per backend asked, in the order asked.
    pub sources: Vec<SourceSearch>,
    /// Every backend's hits so far, the same person's together.
    pub results: Vec<crate::search::Hit>,
    pub selected: usize,
}

impl SearchView {
    /// The requests of backends still searching.
    pub fn pending(&self) -> impl Iterator<Item = RequestId> + '_ {
        self.sources
            .iter()
            .filter(|s| s.outcome == Outcome::Pending)
            .map(|s| s.req)
    }
}

/// One backend's part in a search.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSearch {
    pub source: crate::search::Source,
    pub req: RequestId,
    pub started: Instant,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pending,
    Found {
        hits: usize,
        /// Only the first users were listed and matched.
        capped: bool,
        took: Duration,
    },
    Failed {
        why: String,
        took: Duration,
    },
    Cancelled,
}
