//! VASCO platform users: the list (pending first) and one user with their accounts.

use super::users::split;
use crate::app::features::platform::{self, PlatformUserView};
use crate::app::paging::PagedList;
use crate::app::registry::Command;
use crate::core::platform::{PlatformUser, UserState};
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::widgets::field;
use crate::ui::widgets::hints;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row};

fn state_style(state: &Screen<'_>, s: UserState) -> Style {
    let t = &state.theme;
    match s {
        UserState::Pending => t.warn(),
        UserState::Active => t.ok(),
        UserState::Inactive => t.dim(),
    }
}

pub fn draw_list(frame: &mut Frame, area: Rect, state: &Screen<'_>, l: &PagedList<PlatformUser>) {
    let t = &state.theme;
    let [table_area, footer_area] = split(area, l);
    let pending = l
        .rows
        .iter()
        .filter(|u| u.state == UserState::Pending)
        .count();
    let title = format!(
        " Platform users (VASCO): {} · {pending} pending{} ",
        format::count(l.rows.len()),
        if l.loading.is_some() {
            " · loading"
        } else {
            ""
        }
    );
    let (rows, window) = table::list_window(l);
    table::draw_columns(
        frame,
        table_area,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(table::filtered_title(title, l)),
        platform::COLUMNS,
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
                Command::Activate,
                Command::Deactivate,
                Command::MoveGroup,
                Command::New,
                Command::Back,
            ],
        )
    };
    frame.render_widget(super::users::footer_paragraph(footer), footer_area);
}

pub fn draw_user(frame: &mut Frame, area: Rect, state: &Screen<'_>, v: &PlatformUserView) {
    let t = &state.theme;
    let u = &v.user;
    let mut lines: Vec<Line> = platform::detail(u)
        .into_iter()
        .map(|(label, value)| match label {
            "State" => field::styled(t, label, value, state_style(state, u.state)),
            _ => field::line(t, label, value),
        })
        .collect();
    lines.push(match &v.notice {
        Some(n) => Line::from(Span::styled(n.clone(), t.ok())),
        None => hints::line(
            state,
            &[
                Command::Activate,
                Command::Deactivate,
                Command::MoveGroup,
                Command::Edit,
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
                .title(" Platform user (VASCO) "),
        ),
        top,
    );
    table::draw(
        frame,
        bottom,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Accounts: {} ", u.accounts.len())),
        platform::ACCOUNT_HEADERS.to_vec(),
        &[
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(18),
            Constraint::Length(11),
        ],
        u.accounts.len(),
        Window {
            offset: table::offset_for(v.account_row, bottom),
            selected: (!u.accounts.is_empty()).then_some(v.account_row),
        },
        |i| {
            let a = &u.accounts[i];
            let [label, kind, kyc, expires] = platform::account(a);
            let kyc = ratatui::widgets::Cell::from(kyc).style(match a.kyc_code.as_str() {
                "VALIDATED" | "COMPLETED" => t.ok(),
                "REFUSED" | "Expired" => t.danger(),
                _ => t.warn(),
            });
            Row::new(vec![label.into(), kind.into(), kyc, expires.into()])
        },
    );
}
