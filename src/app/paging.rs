//! The one paged-list controller: rows loaded page by page from a server, a cursor and the
//! first visible row, paging ahead of the cursor, resizing, and a filter over the loaded rows.
//! Every list pane keeps a [`PagedList`] and reaches this code through [`ListCursor`].

use super::action::{Payload, RequestId};
use super::registry::Command;
use crate::backends::BackendError;
use crate::core::{Page, Sort};

/// Rows fetched per page of the Unioo lists (the API's maximum).
pub const PAGE_SIZE: usize = 100;

/// Rows a list table shows for a terminal `height`: header, status bar, table border and
/// column header take the rest. Shared by `update` (scrolling) and `ui` (drawing).
pub fn list_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(1 + 1 + 2 + 1 + 1)).max(1)
}

/// A server-paged list that loads more as the cursor nears the end.
#[derive(Debug)]
pub struct PagedList<T> {
    pub rows: Vec<T>,
    pub total: Option<usize>,
    pub next_cursor: Option<String>,
    pub loading: Option<RequestId>,
    pub error: Option<String>,
    /// Good news for the footer (e.g. what was just created).
    pub notice: Option<String>,
    pub selected: usize,
    /// First visible row; kept here because drawing is pure.
    pub offset: usize,
    pub sort: Sort,
}

impl<T> Default for PagedList<T> {
    fn default() -> Self {
        PagedList {
            rows: Vec::new(),
            total: None,
            next_cursor: None,
            loading: None,
            error: None,
            notice: None,
            selected: 0,
            offset: 0,
            sort: Sort::default(),
        }
    }
}

impl<T> PagedList<T> {
    pub fn complete(&self) -> bool {
        self.total.is_some() && self.next_cursor.is_none()
    }

    /// Whether another page may be asked for now: none on its way and more to come.
    pub fn wants_page(&self) -> bool {
        self.loading.is_none() && !self.complete()
    }

    /// The list emptied to load again from the first page, keeping its sort.
    pub fn restarted(&self) -> PagedList<T> {
        PagedList {
            sort: self.sort,
            ..Default::default()
        }
    }

    /// `s`: the next sort order, from the first page; the page on its way, to cancel.
    pub fn resort(&mut self) -> Option<RequestId> {
        let old = self.loading.take();
        *self = PagedList {
            sort: self.sort.next(),
            ..Default::default()
        };
        old
    }

    /// A page arrived: appended if it answers the request this list waits for.
    pub fn apply(
        &mut self,
        req: RequestId,
        result: Result<Payload, BackendError>,
        page: impl FnOnce(Payload) -> Option<Page<T>>,
    ) {
        if self.loading != Some(req) {
            return;
        }
        self.loading = None;
        match result.map(page) {
            Ok(Some(p)) => {
                self.rows.extend(p.items);
                self.total = Some(p.total);
                self.next_cursor = p.next_cursor;
            }
            Ok(None) => {}
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

/// The cursor moved by `command` over `len` rows, a page being `page` rows.
pub fn step(selected: usize, len: usize, command: Command, page: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let last = len - 1;
    match command {
        Command::Up => selected.saturating_sub(1),
        Command::Down => (selected + 1).min(last),
        Command::PageUp => selected.saturating_sub(page),
        Command::PageDown => (selected + page).min(last),
        Command::Top => 0,
        Command::Bottom => last,
        _ => selected,
    }
}

/// What every list pane offers the shared controller, whatever its rows are.
pub trait ListCursor {
    /// Moves the cursor; true when it came near the end of what is loaded (page in ahead).
    fn move_cursor(&mut self, command: Command, rows: usize) -> bool;
    /// Keeps the selected row on screen after the terminal changed size.
    fn keep_visible(&mut self, rows: usize);
    /// Esc stopped the page on its way.
    fn cancelled(&mut self);
}

impl<T> ListCursor for PagedList<T> {
    fn move_cursor(&mut self, command: Command, rows: usize) -> bool {
        self.selected = step(self.selected, self.rows.len(), command, rows);
        self.keep_visible(rows);
        self.selected + 2 * rows >= self.rows.len()
    }

    /// Leaving the window scrolls it by half a page, not by a row: over a slow link one
    /// redraw of the table every few moves beats one every move.
    fn keep_visible(&mut self, rows: usize) {
        let half = (rows / 2).max(1);
        if self.selected < self.offset {
            self.offset = self.selected.saturating_sub(half - 1);
        } else if self.selected >= self.offset + rows {
            self.offset = (self.selected + half + 1)
                .saturating_sub(rows)
                .min(self.selected);
        }
    }

    fn cancelled(&mut self) {
        if self.loading.take().is_some() {
            self.error = Some("Loading cancelled. Move down or press F5 to continue.".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_stays_on_screen_after_a_resize() {
        let mut l: PagedList<u32> = PagedList {
            rows: (0..500).collect(),
            ..Default::default()
        };
        l.move_cursor(Command::Bottom, list_rows(50));
        assert_eq!(l.selected, 499);
        l.keep_visible(list_rows(10));
        assert!(l.offset <= l.selected && l.selected < l.offset + list_rows(10));
    }

    #[test]
    fn a_cancelled_page_says_so_and_can_be_asked_again() {
        let mut l: PagedList<u32> = PagedList {
            loading: Some(7),
            ..Default::default()
        };
        assert!(!l.wants_page());
        l.cancelled();
        assert!(l.wants_page());
        assert!(l.error.as_deref().unwrap().contains("cancelled"));
    }
}
