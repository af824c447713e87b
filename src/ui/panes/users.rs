//! All users, paged from the server as you scroll; only visible rows are drawn.

use crate::app::state::{PagedList, State};
use crate::core::PersonSummary;
use crate::ui::format;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row};

/// The title line and footer of a paged list.
pub fn title<T>(what: &str, l: &PagedList<T>) -> String {
    match l.total {
        Some(total) => format!(
            " {what}: {} · sorted by {} · {} loaded ",
            format::count(total),
            l.sort.label(),
            format::count(l.rows.len())
        ),
        None => format!(" {what} · sorted by {} ", l.sort.label()),
    }
}

pub fn footer<'a, T>(state: &State, l: &PagedList<T>) -> Line<'a> {
    let t = &state.theme;
    if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else if let Some(n) = &l.notice {
        Line::from(Span::styled(n.clone(), t.ok()))
    } else if l.loading.is_some() {
        Line::from(Span::styled("Loading more…", t.warn()))
    } else {
        Line::from(Span::styled(
            "Enter opens · s sorts · g/G top/bottom · Esc back",
            t.dim(),
        ))
    }
}

pub fn split(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, l: &PagedList<PersonSummary>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area);
    let wide = area.width >= 120;
    let id_width = if wide { 36 } else { 8 };
    table::draw(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(title("Users", l)),
        vec!["Name", "Email", "Id"],
        &[
            Constraint::Percentage(40),
            Constraint::Fill(1),
            Constraint::Length(id_width),
        ],
        l.rows.len(),
        Window {
            offset: l.offset,
            selected: Some(l.selected),
        },
        |i| {
            let p = &l.rows[i];
            let id = if wide {
                p.id.to_string()
            } else {
                format::short_id(&p.id)
            };
            Row::new(vec![p.full_name(), p.email.clone().unwrap_or_default(), id])
        },
    );
    frame.render_widget(Paragraph::new(footer(state, l)), footer_area);
}
