//! Upvest end users: the list and one user with their checks and tax residencies.

use super::users::split;
use crate::app::features::end_users::{self, EndUserView};
use crate::app::paging::PagedList;
use crate::app::registry::Command;
use crate::app::state::Resource;
use crate::core::investing::EndUser;
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::widgets::field;
use crate::ui::widgets::hints;
use crate::ui::widgets::table;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

fn status_style(state: &Screen<'_>, status: &str) -> Style {
    let t = &state.theme;
    match status {
        "ACTIVE" => t.ok(),
        "OFFBOARDING" => t.warn(),
        _ => t.dim(),
    }
}

pub fn draw_list(frame: &mut Frame, area: Rect, state: &Screen<'_>, l: &PagedList<EndUser>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area, l);
    let title = match l.total {
        Some(n) => format!(
            " End users (Upvest): {} · {} loaded ",
            format::count(n),
            format::count(l.rows.len())
        ),
        None => " End users (Upvest) ".into(),
    };
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(table::filtered_title(title, l)),
        end_users::COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    let footer = if let Some(f) = table::filter_footer(t, l) {
        f
    } else if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else if let Some(n) = &l.notice {
        Line::from(Span::styled(n.clone(), t.ok()))
    } else {
        hints::line(
            state,
            &[
                Command::Open,
                Command::New,
                Command::RequestChange,
                Command::Offboard,
                Command::Back,
            ],
        )
    };
    frame.render_widget(super::users::footer_paragraph(footer), footer_area);
}

pub fn draw_user(frame: &mut Frame, area: Rect, state: &Screen<'_>, v: &EndUserView) {
    let t = &state.theme;
    let u = &v.user;
    let mut lines: Vec<Line> = crate::app::features::end_users::detail(u)
        .into_iter()
        .map(|(label, value)| match label {
            "Status" => field::styled(t, label, value, status_style(state, &u.status)),
            _ => field::line(t, label, value),
        })
        .collect();
    lines.push(match &v.notice {
        Some(n) => Line::from(Span::styled(n.clone(), t.ok())),
        None => hints::line(
            state,
            &[
                Command::RequestChange,
                Command::Offboard,
                Command::Refresh,
                Command::Back,
            ],
        ),
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
                let (country, number) = crate::app::features::end_users::tax_residency(r);
                Line::from(format!("  {country:<4}{number}"))
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
