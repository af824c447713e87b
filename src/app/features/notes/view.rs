//! The view of this feature: one record's timeline.

use crate::app::paging::PagedList;
use crate::app::pane::Subject;
use crate::team::TimelineEntry;

/// Everything the team store holds on one record, newest first.
#[derive(Debug)]
pub struct TimelineView {
    pub subject: Subject,
    pub list: PagedList<TimelineEntry>,
    /// Enter: the selected entry in full (its text wrapped); Esc goes back to the list.
    pub opened: bool,
}

impl TimelineView {
    pub fn new(subject: Subject) -> TimelineView {
        TimelineView {
            subject,
            list: PagedList::default(),
            opened: false,
        }
    }

    /// The entry under the cursor.
    pub fn selected(&self) -> Option<&TimelineEntry> {
        self.list.rows.get(self.list.selected)
    }
}
