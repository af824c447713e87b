//! The person view: a header with the facts that matter most, and four tabs.

use crate::app::features::people::{PersonTab, PersonView, facts};
use crate::app::registry::Command;
use crate::app::state::Resource;
use crate::core::*;
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::theme::Theme;
use crate::ui::widgets::field;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Tabs, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, v: &PersonView) {
    let t = &state.theme;
    let person = match &v.person {
        Resource::Loaded(p) => p,
        Resource::Failed(e) => {
            return table::message(
                frame,
                area,
                " Person ",
                vec![
                    Line::from(Span::styled(e.clone(), t.danger())),
                    Line::from(Span::styled("F5 loads again · Esc goes back", t.dim())),
                ],
            );
        }
        _ => {
            return table::message(
                frame,
                area,
                " Person ",
                vec![Line::from(Span::styled("Loading…", t.warn()))],
            );
        }
    };
    let [head, tabs, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(headline(t, person)), head);
    // Each tab with the key that opens it, as bound.
    let keys = [Command::Tab1, Command::Tab2, Command::Tab3, Command::Tab4];
    let titles: Vec<String> = PersonTab::ALL
        .iter()
        .zip(keys)
        .map(|(tab, key)| format!("{} {}", state.keymap.label(key), tab.title()))
        .collect();
    frame.render_widget(
        Tabs::new(titles)
            .select(v.tab.index())
            .highlight_style(t.selected())
            .divider("│"),
        tabs,
    );
    let language = state.profile.language.as_str();
    match v.tab {
        PersonTab::Overview => {
            let reveal = state.keymap.label(Command::Reveal);
            overview(frame, body, t, person, v.revealed, &reveal)
        }
        PersonTab::Roles => roles(frame, body, t, person, v.role_row),
        PersonTab::Identity => identity(frame, body, t, person),
        PersonTab::Documents => documents(frame, body, t, v, language),
    }
}

/// Name, masked CPR and the badges a reviewer must not miss.
fn headline<'a>(t: &Theme, p: &Person) -> Line<'a> {
    let mut spans = vec![Span::styled(format!(" {} ", p.full_name()), t.title())];
    if let Some(ssn) = p.ssn() {
        spans.push(Span::raw(format!(" CPR {ssn} ")));
        if let Ssn::Danish(c) = ssn
            && c.is_substitute()
        {
            spans.push(Span::styled(" substitute no. ", t.warn()));
        }
    }
    if p.pep.as_ref().is_some_and(Pep::is_exposed) {
        spans.push(Span::styled(" PEP ", t.danger()));
    }
    match p.legal_entity.as_ref().and_then(|l| l.eid_verified) {
        Some(true) => spans.push(Span::styled(" eID verified ", t.ok())),
        _ => spans.push(Span::styled(" eID not verified ", t.warn())),
    }
    let flags = p
        .legal_entity
        .as_ref()
        .and_then(|l| l.current_verification.as_ref())
        .and_then(|v| v.risk.as_ref().map(|r| r.flags(v.identified_at).len()))
        .unwrap_or(0);
    if flags > 0 {
        spans.push(Span::styled(
            format!(" {flags} MitID risk flag(s) "),
            t.danger(),
        ));
    }
    Line::from(spans)
}

/// A fact as a field line: its tone, and its warning beside it.
fn fact_line<'a>(t: &Theme, f: facts::Fact) -> Line<'a> {
    let line = field::styled(t, f.label, f.value, table::tone(t, f.tone));
    field::with_flag(t, line, f.flag.as_deref())
}

fn overview(
    frame: &mut Frame,
    area: Rect,
    t: &Theme,
    p: &Person,
    revealed: bool,
    reveal_key: &str,
) {
    let lines: Vec<Line> = facts::overview(p, revealed)
        .into_iter()
        .map(|f| match f.label {
            // Where the reveal key is, beside the masked number.
            "CPR" if !revealed && p.ssn().is_some() => fact_line(
                t,
                facts::Fact {
                    value: format!("{}  ({reveal_key} reveals)", f.value),
                    ..f
                },
            ),
            _ => fact_line(t, f),
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Overview and KYC ");
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn active_roles(a: &Administrator) -> String {
    let active: Vec<String> = a
        .roles
        .iter()
        .filter(|r| r.is_active())
        .map(Role::label)
        .collect();
    if active.is_empty() {
        "(all resigned)".into()
    } else {
        active.join(", ")
    }
}

fn roles(frame: &mut Frame, area: Rect, t: &Theme, p: &Person, selected: usize) {
    if p.administrators.is_empty() {
        return table::message(
            frame,
            area,
            " Roles ",
            vec![Line::from("Administers no organization at this bank.")],
        );
    }
    let table_height = (p.administrators.len() as u16 + 3)
        .min(area.height / 2)
        .max(4);
    let [list, detail] =
        Layout::vertical([Constraint::Length(table_height), Constraint::Min(3)]).areas(area);
    let block = Block::default().borders(Borders::ALL).title(format!(
        " Organizations administered: {} ",
        p.administrators.len()
    ));
    table::draw(
        frame,
        list,
        t,
        block,
        vec![
            "Organization",
            "As",
            "Active roles",
            "Sign.",
            "e-Boks",
            "Ajour",
        ],
        &[
            Constraint::Fill(2),
            Constraint::Length(8),
            Constraint::Fill(1),
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Length(10),
        ],
        p.administrators.len(),
        Window {
            offset: table::offset_for(selected, list),
            selected: Some(selected),
        },
        |i| {
            let a = &p.administrators[i];
            let org = a.organization.as_ref();
            let ajour = org.and_then(|o| o.bank_relation.as_ref());
            Row::new(vec![
                org.map(|o| o.name.clone()).unwrap_or_default(),
                match a.kind {
                    AdministratorKind::BoardMember => "Board".into(),
                    AdministratorKind::ExternalAdministrator => "External".into(),
                },
                active_roles(a),
                format::yes_no(a.authorized_signatory).into(),
                format::yes_no(a.eboks_allowed).into(),
                match ajour {
                    Some(b) if b.is_ajour == Some(true) => format::date(b.ajour_date),
                    Some(_) => "not ajour".into(),
                    None => "—".into(),
                },
            ])
        },
    );
    let Some(a) = p.administrators.get(selected) else {
        return;
    };
    let org = a.organization.as_ref();
    let mut lines = vec![Line::from(vec![
        Span::styled(org.map(|o| o.name.clone()).unwrap_or_default(), t.title()),
        Span::raw(format!(
            "  CVR {}  ·  {}",
            format::or_dash(org.and_then(|o| o.vat_number.as_deref())),
            a.kind.label()
        )),
    ])];
    for r in &a.roles {
        let resigned = match r.resigned {
            Some(_) => Span::styled(format!("resigned {}", format::date(r.resigned)), t.dim()),
            None => Span::styled("active", t.ok()),
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "  {:<14} assigned {}  ",
                r.label(),
                format::date(r.assigned)
            )),
            resigned,
        ]));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Roles (↑↓ choose) ");
    frame.render_widget(Paragraph::new(lines).block(block), detail);
}

fn identity(frame: &mut Frame, area: Rect, t: &Theme, p: &Person) {
    let Some(le) = &p.legal_entity else {
        return table::message(
            frame,
            area,
            " Identity ",
            vec![Line::from("No legal entity: identity was never verified.")],
        );
    };
    let mut lines: Vec<Line> = facts::identity(p)
        .into_iter()
        .map(|f| fact_line(t, f))
        .collect();
    if le.current_verification.is_none() {
        lines = vec![Line::from(Span::styled(
            "No current identity verification.",
            t.warn(),
        ))];
    }
    let [current, history] = Layout::vertical([
        Constraint::Length(lines.len() as u16 + 2),
        Constraint::Min(3),
    ])
    .areas(area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Identity verification ");
    frame.render_widget(Paragraph::new(lines).block(block), current);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" History: {} ", le.verifications.len()));
    table::draw(
        frame,
        history,
        t,
        block,
        vec!["Scheme", "Level", "Identified", "Risk flags"],
        &[
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(22),
            Constraint::Fill(1),
        ],
        le.verifications.len(),
        Window {
            offset: 0,
            selected: None,
        },
        |i| {
            let v = &le.verifications[i];
            let flags = v
                .risk
                .as_ref()
                .map(|r| r.flags(v.identified_at))
                .unwrap_or_default();
            let labels = flags
                .iter()
                .map(|f| f.label())
                .collect::<Vec<_>>()
                .join(", ");
            let row = Row::new(vec![
                scheme(v.scheme).to_string(),
                v.level.clone().unwrap_or_default(),
                format::datetime(v.identified_at),
                labels,
            ]);
            if flags.is_empty() {
                row
            } else {
                row.style(t.danger())
            }
        },
    );
}

fn scheme(s: IdentityScheme) -> &'static str {
    match s {
        IdentityScheme::MitId => "MitID",
        IdentityScheme::Manual => "Manual",
        IdentityScheme::Unknown => "Unknown",
    }
}

fn state_style(t: &Theme, s: LegitimationState) -> ratatui::style::Style {
    match s {
        LegitimationState::Approved => t.ok(),
        LegitimationState::Pending => t.warn(),
        LegitimationState::Rejected | LegitimationState::Expired => t.danger(),
        LegitimationState::Unknown => t.dim(),
    }
}

fn documents(frame: &mut Frame, area: Rect, t: &Theme, v: &PersonView, language: &str) {
    let docs = v.documents();
    if docs.is_empty() {
        return table::message(
            frame,
            area,
            " Documents ",
            vec![Line::from("No legitimation documents submitted.")],
        );
    }
    let [list, detail] = Layout::vertical([
        Constraint::Length(docs.len() as u16 + 3),
        Constraint::Min(3),
    ])
    .areas(area);
    table::draw(
        frame,
        list,
        t,
        Block::default()
            .borders(Borders::ALL)
            .title(" Legitimation documents (Enter opens) "),
        vec!["Document", "Type", "State", "Created", "Decided", "Expires"],
        &[
            Constraint::Length(20),
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(10),
        ],
        docs.len(),
        Window {
            offset: 0,
            selected: Some(v.document_row),
        },
        |i| {
            let d = docs[i];
            Row::new(vec![
                Span::raw(d.kind.label()),
                Span::raw(d.type_name(language).unwrap_or("—").to_string()),
                Span::styled(d.state.label(), state_style(t, d.state)),
                Span::raw(format::date(d.created)),
                Span::raw(format::date(d.decided)),
                Span::raw(format::date(d.expires)),
            ])
        },
    );
    let Some(d) = docs.get(v.document_row) else {
        return;
    };
    let mut lines = vec![
        field::styled(t, "State", d.state.label(), state_style(t, d.state)),
        field::line(t, "Created", format::datetime(d.created)),
        field::line(t, "Approved/rejected", format::datetime(d.decided)),
        field::line(t, "Expires", format::datetime(d.expires)),
    ];
    if let Some(r) = &d.rejected_reason {
        lines.push(field::styled(t, "Rejection reason", r.clone(), t.danger()));
    }
    lines.push(field::line(
        t,
        "File",
        format::or_dash(d.file_name.as_deref()),
    ));
    match &v.open_document {
        Some((kind, res)) if *kind == d.kind => lines.push(match res {
            Resource::Loading(_) | Resource::Idle => {
                field::styled(t, "Document", "fetching…", t.warn())
            }
            Resource::Failed(e) => field::styled(t, "Document", e.clone(), t.danger()),
            Resource::Loaded(None) => field::line(t, "Document", "no file on record"),
            Resource::Loaded(Some(f)) => field::styled(t, "Document", describe_file(f), t.ok()),
        }),
        _ => lines.push(field::styled(
            t,
            "Document",
            "Enter fetches the file",
            t.dim(),
        )),
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", d.kind.label()));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        detail,
    );
}

fn describe_file(f: &DocumentFile) -> String {
    match f.png_size() {
        Some((w, h)) => format!(
            "{} · PNG image {w}×{h} px · {} bytes",
            f.file_name,
            f.bytes.len()
        ),
        None => format!(
            "{} · {} · {} bytes",
            f.file_name,
            f.extension,
            f.bytes.len()
        ),
    }
}
