//! bunq users: the list (newest first) and one user. Tax numbers are shown masked.

use super::users::split;
use crate::app::features::bank_users::{self, BankUserView};
use crate::app::paging::PagedList;
use crate::app::registry::Command;
use crate::app::state::Resource;
use crate::core::banking::BankUser;
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::widgets::field;
use crate::ui::widgets::hints;
use crate::ui::widgets::table;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn status_style(state: &Screen<'_>, status: &str) -> Style {
    let t = &state.theme;
    match status {
        "ACTIVE" => t.ok(),
        "BLOCKED" | "DENIED" => t.danger(),
        "SIGNUP" | "RECOVERY" => t.warn(),
        _ => t.dim(),
    }
}

pub fn draw_list(frame: &mut Frame, area: Rect, state: &Screen<'_>, l: &PagedList<BankUser>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area, l);
    let title = match l.total {
        Some(_) => format!(" bunq users: {} loaded ", format::count(l.rows.len())),
        None => " bunq users ".into(),
    };
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(table::filtered_title(title, l)),
        bank_users::COLUMNS,
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
    } else if l.loading.is_some() {
        Line::from(Span::styled("Loading…", t.dim()))
    } else {
        hints::line(
            state,
            &[
                Command::Open,
                Command::Block,
                Command::SetStatus,
                Command::Edit,
                Command::Back,
            ],
        )
    };
    frame.render_widget(super::users::footer_paragraph(footer), footer_area);
}

/// The feature's fields, in its order; the status toned.
fn user_lines<'a>(state: &Screen<'_>, u: &BankUser) -> Vec<Line<'a>> {
    let t = &state.theme;
    crate::app::features::bank_users::detail(u)
        .into_iter()
        .map(|(label, value)| match label {
            "Status" => field::styled(t, label, value, status_style(state, &u.status)),
            _ => field::line(t, label, value),
        })
        .collect()
}

pub fn draw_user(frame: &mut Frame, area: Rect, state: &Screen<'_>, v: &BankUserView) {
    let t = &state.theme;
    let mut lines = match &v.user {
        Resource::Loaded(u) => user_lines(state, u),
        Resource::Loading(_) | Resource::Idle => {
            vec![Line::from(Span::styled("Loading…", t.dim()))]
        }
        Resource::Failed(e) => vec![Line::from(Span::styled(e.clone(), t.danger()))],
    };
    lines.push(Line::default());
    lines.push(match &v.notice {
        Some(n) => Line::from(Span::styled(n.clone(), t.ok())),
        None => hints::line(
            state,
            &[
                Command::Block,
                Command::SetStatus,
                Command::Edit,
                Command::Refresh,
                Command::Back,
            ],
        ),
    });
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" bunq user ")),
        area,
    );
}
