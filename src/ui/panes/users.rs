//! All users, paged from the server as you scroll; only visible rows are drawn.

use crate::app::features::people;
use crate::app::paging::PagedList;
use crate::app::registry::Command;
use crate::core::PersonSummary;
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::widgets::hints;
use crate::ui::widgets::table;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// The title line and footer of a paged list.
pub fn title<T>(what: &str, l: &PagedList<T>) -> String {
    let plain = match l.total {
        Some(total) => format!(
            " {what}: {} · sorted by {} · {} loaded ",
            format::count(total),
            l.sort.label(),
            format::count(l.rows.len())
        ),
        None => format!(" {what} · sorted by {} ", l.sort.label()),
    };
    table::filtered_title(plain, l)
}

pub fn footer<'a, T>(state: &Screen<'_>, l: &PagedList<T>) -> Line<'a> {
    let t = &state.theme;
    if let Some(f) = table::filter_footer(t, l) {
        f
    } else if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else if let Some(n) = &l.notice {
        Line::from(Span::styled(n.clone(), t.ok()))
    } else if l.loading.is_some() {
        Line::from(Span::styled("Loading more…", t.warn()))
    } else {
        hints::line(
            state,
            &[
                Command::Open,
                Command::New,
                Command::Sort,
                Command::Top,
                Command::Bottom,
                Command::Back,
            ],
        )
    }
}

pub fn split(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, l: &PagedList<PersonSummary>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area);
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(title("Users", l)),
        people::USER_COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    frame.render_widget(Paragraph::new(footer(state, l)), footer_area);
}
