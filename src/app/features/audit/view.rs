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

/// The audit trail, read from the log file.
#[derive(Debug)]
pub struct AuditView {
    pub records: Resource<Vec<crate::audit::Record>>,
    /// The chain check of the file: records verified, or the first bad line.
    pub verified: Option<Result<usize, String>>,
    pub filter: Input,
    pub filtering: bool,
    pub selected: usize,
    /// Enter: one record with all its fields, over the list until Esc.
    pub opened: Option<Box<crate::audit::Record>>,
}

impl AuditView {
    /// Records matching the filter (action, target, reason, operator, outcome), newest first.
    pub fn visible(&self) -> Vec<&crate::audit::Record> {
        let needle = self.filter.value().to_lowercase();
        self.records
            .loaded()
            .map(|rs| {
                rs.iter()
                    .rev()
                    .filter(|r| {
                        needle.is_empty() || r.search_text().to_lowercase().contains(&needle)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
