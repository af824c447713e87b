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
    /// Where a backend of the profile that cannot search this kind of query may still be
    /// looked in (Unioo by name: its users list, filtered).
    pub advice: Option<String>,
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

impl Outcome {
    /// The backend answered (whatever it found); a failed, stopped or running one did not.
    pub fn answered(&self) -> bool {
        matches!(self, Outcome::Found { .. })
    }

    /// Why a backend has no answer, in a word or two; `None` once it answered.
    pub fn unanswered(&self) -> Option<&'static str> {
        match self {
            Outcome::Found { .. } => None,
            Outcome::Pending => Some("still searching"),
            Outcome::Failed { .. } => Some("failed"),
            Outcome::Cancelled => Some("stopped"),
        }
    }
}

impl SearchView {
    /// Every backend asked has answered: only then may "nothing" or "the only one" be said.
    pub fn all_answered(&self) -> bool {
        self.sources.iter().all(|s| s.outcome.answered())
    }

    /// "Unioo (stopped), bunq (failed)": the backends asked that gave no answer.
    pub fn not_searched(&self) -> Vec<String> {
        self.sources
            .iter()
            .filter_map(|s| {
                let why = s.outcome.unanswered()?;
                Some(format!("{} ({why})", s.source.name()))
            })
            .collect()
    }

    /// What the officer may record when there is no hit: found nothing only in the backends
    /// that answered, and which were not searched. Never "nothing found" from a backend that
    /// did not answer.
    pub fn no_hits_summary(&self) -> Option<String> {
        let q = self.submitted.as_ref()?;
        let answered: Vec<&str> = self
            .sources
            .iter()
            .filter(|s| s.outcome.answered())
            .map(|s| s.source.name())
            .collect();
        let missing = self.not_searched();
        let what = format!("{} {}", q.kind(), q.shown());
        let summary = match (answered.is_empty(), missing.is_empty()) {
            (true, _) => format!(
                "No backend answered for {what}: nothing can be said. Not searched: {}.",
                missing.join(", ")
            ),
            (false, true) => format!("Nothing found for {what} in {}.", answered.join(", ")),
            (false, false) => format!(
                "Nothing found for {what} in {}. Not searched: {}.",
                answered.join(", "),
                missing.join(", ")
            ),
        };
        Some(match &self.advice {
            Some(a) => format!("{summary} {a}"),
            None => summary,
        })
    }
}
