//! Upvest end users: the list and one user with their checks and tax residencies.

use super::users::split;
use crate::app::state::{EndUserView, PagedList, Resource, State};
use crate::core::investing::EndUser;
use crate::ui::format;
use crate::ui::widgets::field;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row};

fn status_style(state: &State, status: &str) -> Style {
    let t = &state.theme;
    match status {
        "ACTIVE" => t.ok(),
        "OFFBOARDING" => t.warn(),
        _ => t.dim(),
    }
}

pub fn draw_list(frame: &mut Frame, area: Rect, state: &State, l: &PagedList<EndUser>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area);
    let wide = area.width >= 120;
    let mut header = vec!["Status", "Name", "Born", "City"];
    let mut widths = vec![
        Constraint::Length(11),
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(14),
    ];
    if wide {
        header.extend(["Id", "Created"]);
        widths.extend([Constraint::Length(36), Constraint::Length(10)]);
    }
    let title = match l.total {
        Some(n) => format!(
            " End users (Upvest): {} · {} loaded ",
            format::count(n),
            format::count(l.rows.len())
        ),
        None => " End users (Upvest) ".into(),
    };
    table::draw(
        frame,
        table_area,
        t,
        Block::default().borders(Borders::ALL).title(title),
        header,
        &widths,
        l.rows.len(),
        Window {
            offset: l.offset,
            selected: Some(l.selected),
        },
        |i| {
            let u = &l.rows[i];
            let mut cells = vec![
                Cell::from(u.status.clone()).style(status_style(state, &u.status)),
                u.full_name().into(),
                u.birth_date.clone().into(),
                u.address.city.clone().into(),
            ];
            if wide {
                cells.push(u.id.clone().into());
                cells.push(
                    u.created_at
                        .get(..10)
                        .unwrap_or_default()
                        .to_string()
                        .into(),
                );
            }
            Row::new(cells)
        },
    );
    let footer = if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else if let Some(n) = &l.notice {
        Line::from(Span::styled(n.clone(), t.ok()))
    } else if state.profile.read_only {
        Line::from(Span::styled("Enter opens · Esc back", t.dim()))
    } else {
        Line::from(Span::styled(
            "Enter opens · n new · c data change · O offboard · Esc back",
            t.dim(),
        ))
    };
    frame.render_widget(Paragraph::new(footer), footer_area);
}

pub fn draw_user(frame: &mut Frame, area: Rect, state: &State, v: &EndUserView) {
    let t = &state.theme;
    let u = &v.user;
    let a = &u.address;
    let mut lines = vec![
        field::line(t, "Name", u.full_name()),
        field::line(t, "Birth date", u.birth_date.clone()),
        field::line(t, "Nationalities", u.nationalities.join(", ")),
        field::line(
            t,
            "Address",
            format!(
                "{}, {} {}, {}",
                a.address_line1, a.postcode, a.city, a.country
            ),
        ),
        field::styled(
            t,
            "Status",
            u.status.clone(),
            status_style(state, &u.status),
        ),
        field::line(t, "Created", u.created_at.clone()),
        field::line(t, "Id", u.id.clone()),
    ];
    lines.push(match (&v.notice, state.profile.read_only) {
        (Some(n), _) => Line::from(Span::styled(n.clone(), t.ok())),
        (None, true) => Line::from(Span::styled("F5 reloads · Esc back", t.dim())),
        (None, false) => Line::from(Span::styled(
            "c data change · O offboard · F5 reloads · Esc back",
            t.dim(),
        )),
    });
    let [top, bottom] = Layout::vertical([
        Constraint::Length(lines.len() as u16 + 2),
        Constraint::Min(3),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" End user (Upvest) "),
        ),
        top,
    );
    let below: Vec<Line> = match &v.detail {
        Resource::Loaded(d) => {
            let mut l = vec![Line::from(Span::styled("Checks", t.title()))];
            l.extend(d.checks.iter().map(|c| {
                Line::from(vec![
                    Span::raw(format!("  {:<22}", c.kind)),
                    Span::styled(
                        c.status.clone(),
                        match c.status.as_str() {
                            "PASSED" => t.ok(),
                            "FAILED" => t.danger(),
                            _ => t.warn(),
                        },
                    ),
                ])
            }));
            l.push(Line::from(Span::styled("Tax residencies", t.title())));
            l.extend(d.tax_residencies.iter().map(|r| {
                Line::from(format!(
                    "  {:<4}{}",
                    r.country,
                    r.tax_identifier_number
                        .clone()
                        .or(r.missing_tin_reason.clone())
                        .unwrap_or_default()
                ))
            }));
            l
        }
        Resource::Failed(e) => vec![Line::from(Span::styled(e.clone(), t.danger()))],
        _ => vec![Line::from(Span::styled("Loading checks…", t.warn()))],
    };
    frame.render_widget(
        Paragraph::new(below).block(Block::default().borders(Borders::ALL)),
        bottom,
    );
}
