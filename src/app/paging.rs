//! The one paged-list controller: rows loaded page by page from a server, a cursor and the
//! first visible row, paging ahead of the cursor, resizing, and a filter over the loaded rows.
//! Every list pane keeps a [`PagedList`] and reaches this code through [`ListCursor`].

use super::action::{Payload, RequestId};
use super::filter::{Filterable, ListFilter};
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
    /// F5 is loading the list again: the rows shown are from before, kept until the first
    /// new page replaces them (or on screen, if the refresh fails).
    pub refreshing: bool,
    /// `f`: only the loaded rows that match are shown; `selected` stays a row index, and
    /// `offset` counts matches.
    pub filter: Option<ListFilter>,
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
            refreshing: false,
            filter: None,
        }
    }
}

impl<T> PagedList<T> {
    pub fn complete(&self) -> bool {
        self.total.is_some() && self.next_cursor.is_none()
    }

    /// Where the next page starts, for APIs paged by offset (the cursor holds the number).
    pub fn next_offset(&self) -> usize {
        self.next_cursor
            .as_deref()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
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

    /// The rows the pane draws (the matches, under a filter), the first one on screen, and
    /// where the cursor is among them.
    pub fn on_screen(&self) -> (Vec<&T>, usize, Option<usize>) {
        match &self.filter {
            Some(f) => {
                let rows: Vec<&T> = f.shown.iter().filter_map(|&i| self.rows.get(i)).collect();
                let at = f.shown.iter().position(|&i| i == self.selected);
                (rows, self.offset, at)
            }
            None => (self.rows.iter().collect(), self.offset, Some(self.selected)),
        }
    }

    /// The cursor's place among the rows shown, and how many are shown.
    fn position(&self) -> (usize, usize) {
        match &self.filter {
            Some(f) => (
                f.shown
                    .iter()
                    .position(|&i| i == self.selected)
                    .unwrap_or(0),
                f.shown.len(),
            ),
            None => (self.selected, self.rows.len()),
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

    /// F5: load again from the first page, keeping the rows on screen until it arrives, so a
    /// refresh that fails loses nothing.
    pub fn refresh(&mut self) {
        self.total = None;
        self.next_cursor = None;
        self.loading = None;
        self.error = None;
        self.notice = None;
        self.refreshing = !self.rows.is_empty();
    }

    /// A page's rows: appended, or replacing the rows from before a refresh.
    pub fn take_page(&mut self, p: Page<T>) {
        if std::mem::take(&mut self.refreshing) {
            self.rows.clear();
        }
        self.rows.extend(p.items);
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        self.offset = self.offset.min(self.selected);
        self.total = Some(p.total);
        self.next_cursor = p.next_cursor;
    }

    /// Why the last page did not come, said as a refresh's failure when it was one.
    pub fn failed(&mut self, e: &BackendError) {
        self.error = Some(if self.refreshing {
            format!("Refresh failed: {e} The rows shown are from before.")
        } else {
            e.to_string()
        });
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
            Ok(Some(p)) => self.take_page(p),
            Ok(None) => {}
            Err(e) => self.failed(&e),
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
    /// A page was asked for with request `req`.
    fn loading(&mut self, req: RequestId);
    /// `f`: a filter field opens over the loaded rows.
    fn start_filter(&mut self, rows: usize);
    /// A key typed while the filter has the keys: Enter keeps the filter and gives the keys
    /// back to the list, Esc drops it, the rest edit it.
    fn filter_key(&mut self, key: crossterm::event::KeyEvent, rows: usize);
    /// Esc on a filtered list: the filter goes (true), before Esc goes back.
    fn clear_filter(&mut self, rows: usize) -> bool;
    /// Matches again after rows came or went.
    fn refilter(&mut self, rows: usize);
    /// Under a filter, fewer matches than fill the screen while more pages may hold some:
    /// the next page is wanted.
    fn wants_matches(&self, rows: usize) -> bool;
}

impl<T: Filterable> ListCursor for PagedList<T> {
    fn move_cursor(&mut self, command: Command, rows: usize) -> bool {
        let (at, len) = self.position();
        let to = step(at, len, command, rows);
        self.selected = match &self.filter {
            Some(f) => f.shown.get(to).copied().unwrap_or(self.selected),
            None => to,
        };
        self.keep_visible(rows);
        to + 2 * rows >= len
    }

    /// Leaving the window scrolls it by half a page, not by a row: over a slow link one
    /// redraw of the table every few moves beats one every move.
    fn keep_visible(&mut self, rows: usize) {
        let (at, _) = self.position();
        let half = (rows / 2).max(1);
        if at < self.offset {
            self.offset = at.saturating_sub(half - 1);
        } else if at >= self.offset + rows {
            self.offset = (at + half + 1).saturating_sub(rows).min(at);
        }
    }

    fn loading(&mut self, req: RequestId) {
        self.loading = Some(req);
        self.error = None;
    }

    fn cancelled(&mut self) {
        if self.loading.take().is_some() {
            self.error = Some("Loading cancelled. Move down or press F5 to continue.".into());
        }
    }

    fn start_filter(&mut self, rows: usize) {
        let f = self.filter.get_or_insert_with(Default::default);
        f.typing = true;
        self.refilter(rows);
    }

    fn filter_key(&mut self, key: crossterm::event::KeyEvent, rows: usize) {
        use crossterm::event::KeyCode;
        use tui_input::backend::crossterm::EventHandler;
        let Some(f) = &mut self.filter else { return };
        match key.code {
            KeyCode::Enter => {
                f.typing = false;
                if f.text().trim().is_empty() {
                    self.clear_filter(rows);
                }
            }
            KeyCode::Esc => {
                self.clear_filter(rows);
            }
            _ => {
                f.input.handle_event(&crossterm::event::Event::Key(key));
                // Other matches: from the top.
                self.offset = 0;
                self.refilter(rows);
            }
        }
    }

    fn clear_filter(&mut self, rows: usize) -> bool {
        if self.filter.take().is_none() {
            return false;
        }
        self.offset = 0;
        self.keep_visible(rows);
        true
    }

    fn refilter(&mut self, rows: usize) {
        let Some(f) = &mut self.filter else { return };
        f.apply(&self.rows);
        if !f.shown.contains(&self.selected) {
            self.selected = f.shown.first().copied().unwrap_or(0);
        }
        self.offset = self.offset.min(f.shown.len().saturating_sub(1));
        self.keep_visible(rows);
    }

    fn wants_matches(&self, rows: usize) -> bool {
        self.filter.as_ref().is_some_and(|f| f.shown.len() < rows)
            && self.wants_page()
            && self.error.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Filterable for u32 {
        fn haystack(&self) -> String {
            self.to_string()
        }
    }

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
    fn a_refresh_that_fails_keeps_the_rows_and_says_so() {
        let mut l: PagedList<u32> = PagedList {
            loading: Some(1),
            ..Default::default()
        };
        l.apply(
            1,
            Err(BackendError::Timeout {
                backend: "bunq",
                request_id: "r".into(),
                secs: 20,
            }),
            |_| None,
        );
        assert!(l.error.is_some());
        l.rows = vec![1, 2, 3];
        l.refresh();
        l.loading = Some(2);
        l.apply(
            2,
            Err(BackendError::Timeout {
                backend: "bunq",
                request_id: "r".into(),
                secs: 20,
            }),
            |_| None,
        );
        assert_eq!(l.rows, vec![1, 2, 3], "kept");
        assert!(
            l.error.as_deref().unwrap().starts_with("Refresh failed"),
            "{:?}",
            l.error
        );
        // The next page that comes replaces them.
        l.loading = Some(3);
        l.take_page(Page {
            items: vec![7],
            total: 1,
            next_cursor: None,
        });
        assert_eq!(l.rows, vec![7]);
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
