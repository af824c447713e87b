//! The bank's employees, paged like users, and one employee's details.

use super::users::{footer, split, title};
use crate::app::state::{PagedList, State};
use crate::core::Employee;
use crate::ui::format;
use crate::ui::widgets::field;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Paragraph, Row};

fn roles(e: &Employee) -> String {
    e.roles
        .iter()
        .map(|r| r.replace('_', " ").to_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, l: &PagedList<Employee>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area);
    table::draw(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(title("Employees", l)),
        vec!["Name", "External id", "Email", "Last login", "Roles"],
        &[
            Constraint::Percentage(22),
            Constraint::Length(11),
            Constraint::Percentage(33),
            Constraint::Length(10),
            Constraint::Fill(1),
        ],
        l.rows.len(),
        Window {
            offset: l.offset,
            selected: Some(l.selected),
        },
        |i| {
            let e = &l.rows[i];
            Row::new(vec![
                e.full_name(),
                e.external_id.clone().unwrap_or_default(),
                e.email.clone().unwrap_or_default(),
                format::date(e.last_login),
                roles(e),
            ])
        },
    );
    frame.render_widget(Paragraph::new(footer(state, l)), footer_area);
}

pub fn draw_detail(frame: &mut Frame, area: Rect, state: &State, e: &Employee) {
    let t = &state.theme;
    let lines = vec![
        field::line(t, "Name", e.full_name()),
        field::line(t, "External id", format::or_dash(e.external_id.as_deref())),
        field::line(t, "Email", format::or_dash(e.email.as_deref())),
        field::line(t, "Created", format::datetime(e.created)),
        field::line(t, "Last login", format::datetime(e.last_login)),
        field::line(
            t,
            "Roles",
            if e.roles.is_empty() {
                "—".into()
            } else {
                roles(e)
            },
        ),
        field::line(t, "Id", e.id.to_string()),
    ];
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Bank employee (Esc back) ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
