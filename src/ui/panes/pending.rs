//! `:pending`: open four-eyes proposals, and one proposal beside its target as it is now.

use crate::app::features::pending::{self, ProposalRow, ProposalView};
use crate::app::paging::PagedList;
use crate::app::registry::Command;
use crate::ui::Screen;
use crate::ui::widgets::field::narrow;
use crate::ui::widgets::{hints, table};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw_list(frame: &mut Frame, area: Rect, state: &Screen<'_>, l: &PagedList<ProposalRow>) {
    let t = &state.theme;
    let [table_area, footer_area] = super::users::split(area, l);
    let (rows, window) = table::list_window(l);
    let unsent = l
        .rows
        .iter()
        .filter(|r| r.proposal.status == crate::team::ProposalStatus::Confirmed)
        .count();
    let title = match unsent {
        0 => format!(" Pending proposals: {} open · others' first ", l.rows.len()),
        n => format!(
            " Pending proposals: {} open, {n} unsent · others' first ",
            l.rows.len() - n
        ),
    };
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(table::filtered_title(title, l)),
        pending::COLUMNS,
        &rows,
        window,
        &state.shown(),
        |_, _, text| text,
    );
    let footer = if let Some(f) = table::filter_footer(t, l) {
        f
    } else if let Some(e) = &l.error {
        Line::from(Span::styled(e.clone(), t.danger()))
    } else if l.loading.is_some() {
        Line::from(Span::styled("Loading…", t.warn()))
    } else if l.rows.is_empty() {
        Line::from("No proposal is waiting for a second officer.")
    } else {
        hints::line(
            state,
            &[
                Command::Open,
                Command::Filter,
                Command::Refresh,
                Command::Back,
            ],
        )
    };
    frame.render_widget(super::users::footer_paragraph(footer), footer_area);
}

pub fn draw_proposal(frame: &mut Frame, area: Rect, state: &Screen<'_>, v: &ProposalView) {
    let t = &state.theme;
    let mut lines: Vec<Line> = pending::fields(v)
        .into_iter()
        .map(|(k, value)| narrow(t, k, crate::sanitize::owned(value)))
        .collect();
    lines.push(Line::default());
    lines.push(if let Some(n) = &v.notice {
        Line::from(Span::styled(
            n.clone(),
            if v.settled { t.ok() } else { t.danger() },
        ))
    } else if v.sending.is_some() {
        Line::from(Span::styled("Sending…", t.warn()))
    } else if v.row.mine {
        Line::from(Span::styled(
            "Your proposal: another officer confirms or declines it.",
            t.dim(),
        ))
    } else {
        hints::line(
            state,
            &[
                Command::ConfirmProposal,
                Command::DeclineProposal,
                Command::Refresh,
                Command::Back,
            ],
        )
    });
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Proposal ")),
        area,
    );
}
