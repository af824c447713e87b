//! One document under review: the image beside the facts a reviewer weighs.

use crate::app::features::review::DocumentView;
use crate::app::registry::Command;
use crate::app::state::Resource;
use crate::core::*;
use crate::ui::Screen;
use crate::ui::format;
use crate::ui::theme::Theme;
use crate::ui::widgets::field::{narrow, narrow_flagged, narrow_styled};
use crate::ui::widgets::hints;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, d: &DocumentView) {
    let t = &state.theme;
    if d.zoom {
        return image(frame, area, state, d, " Document (z or Esc: back) ");
    }
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(1),
    ])
    .areas(area);
    let (doc_state, version) = (d.state(), d.version());
    let cpr = match (&d.item.cpr, d.revealed) {
        (Some(Ssn::Danish(c)), true) => c.reveal(),
        (Some(s), _) => s.to_string(),
        (None, _) => "—".into(),
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!(" {} ", d.item.kind.label()), t.title()),
            Span::raw(format!("· {} · CPR {cpr} · ", d.item.person.full_name())),
            Span::styled(doc_state.label().to_uppercase(), state_style(t, doc_state)),
            Span::styled(format!(" v{version}"), t.dim()),
        ])),
        head,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    image(frame, left, state, d, " Document ");
    facts(frame, right, state, d);
    let foot_line = if let Some(n) = &d.notice {
        Line::from(Span::styled(n.clone(), t.danger()))
    } else if d.deciding.is_some() {
        Line::from(Span::styled("Sending the decision…", t.warn()))
    } else {
        hints::line(
            state,
            &[
                Command::Approve,
                Command::Reject,
                Command::Zoom,
                Command::Reveal,
                Command::Back,
            ],
        )
    };
    frame.render_widget(Paragraph::new(foot_line), foot);
}

fn state_style(t: &Theme, s: LegitimationState) -> ratatui::style::Style {
    match s {
        LegitimationState::Approved => t.ok(),
        LegitimationState::Pending => t.warn(),
        _ => t.danger(),
    }
}

fn image(frame: &mut Frame, area: Rect, state: &Screen<'_>, d: &DocumentView, title: &str) {
    let t = &state.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title.to_string());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let message = |frame: &mut Frame, text: String, style| {
        frame.render_widget(
            Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: true }),
            inner,
        );
    };
    match (&d.file, &d.image) {
        (_, Some(img)) => {
            if state.images.draw(frame, img, inner).is_err() {
                message(
                    frame,
                    "The image cannot be drawn in this terminal.".into(),
                    t.warn(),
                );
            }
        }
        (Resource::Loaded(Some(f)), None) => message(
            frame,
            match &d.image_refused {
                Some(why) => format!(
                    "{}: {} bytes, not drawn: {why}.",
                    f.file_name,
                    f.bytes.len()
                ),
                None => format!(
                    "{}: {} bytes, not an image this console can draw.",
                    f.file_name,
                    f.bytes.len()
                ),
            },
            t.warn(),
        ),
        (Resource::Loaded(None), _) => message(frame, "No file on record.".into(), t.warn()),
        (Resource::Failed(e), _) => message(frame, e.clone(), t.danger()),
        _ => message(frame, "Loading the image…".into(), t.warn()),
    }
}

fn facts(frame: &mut Frame, area: Rect, state: &Screen<'_>, d: &DocumentView) {
    let t = &state.theme;
    let now = state.today_start();
    let current = d.current();
    let mut lines = vec![
        narrow(t, "Submitted", format::datetime(d.item.created)),
        narrow_flagged(
            t,
            "Expires",
            format::date(d.item.expires),
            d.item.is_expired(now).then_some("expired"),
        ),
        {
            use crate::app::features::review::ClaimState;
            let style = match d.claim {
                ClaimState::Mine { .. } => t.ok(),
                ClaimState::Asking => t.dim(),
                _ => t.warn(),
            };
            narrow_styled(t, "Claimed by", d.claim_text(), style)
        },
    ];
    if let Some(c) = current {
        if let Some(name) = c.type_name(&state.profile.language) {
            lines.push(narrow(t, "Type", name.to_string()));
        }
        if let Some(r) = &c.rejected_reason {
            lines.push(narrow_styled(t, "Rejected for", r.clone(), t.danger()));
        }
        if c.decided.is_some() {
            lines.push(narrow(t, "Decided", format::datetime(c.decided)));
        }
    }
    lines.push(Line::default());
    match &d.person {
        Resource::Loaded(p) => person_facts(t, p, &mut lines),
        Resource::Failed(e) => lines.push(Line::from(Span::styled(e.clone(), t.danger()))),
        _ => lines.push(Line::from(Span::styled(
            "Loading KYC and MitID facts…",
            t.warn(),
        ))),
    }
    let block = Block::default().borders(Borders::ALL).title(" Facts ");
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The KYC and MitID risk summary a reviewer checks the document against.
fn person_facts(t: &Theme, p: &Person, lines: &mut Vec<Line<'static>>) {
    let le = p.legal_entity.as_ref();
    lines.push(Line::from(Span::styled("KYC", t.title())));
    lines.push(narrow(
        t,
        "Legal name",
        format::or_dash(le.and_then(|l| l.legal_name.as_deref())).to_string(),
    ));
    let citizenships = le
        .map(|l| {
            l.citizenships
                .iter()
                .filter_map(|c| c.country.as_ref().map(|c| c.alpha2.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    lines.push(narrow(t, "Citizenships", citizenships));
    match &p.pep {
        Some(pep) if pep.is_exposed() => lines.push(narrow_styled(
            t,
            "PEP",
            format!(
                "{} — {}",
                format::or_dash(pep.response.as_deref()),
                format::or_dash(pep.reason.as_deref())
            ),
            t.danger(),
        )),
        Some(pep) => lines.push(narrow(
            t,
            "PEP",
            format::or_dash(pep.response.as_deref()).to_string(),
        )),
        None => lines.push(narrow(t, "PEP", "not answered")),
    }
    let eid = le.and_then(|l| l.eid_verified);
    lines.push(narrow_styled(
        t,
        "e-ID verified",
        format::yes_no(eid),
        if eid == Some(true) { t.ok() } else { t.warn() },
    ));
    lines.push(Line::from(Span::styled("MitID risk", t.title())));
    match le.and_then(|l| l.current_verification.as_ref()) {
        None => lines.push(Line::from(Span::styled(
            "No identity verification on record.",
            t.warn(),
        ))),
        Some(v) => match &v.risk {
            None => lines.push(narrow(
                t,
                "Verification",
                format!("{:?}, no risk data", v.scheme),
            )),
            Some(r) => {
                let flags = r.flags(v.identified_at);
                if flags.is_empty() {
                    lines.push(narrow_styled(t, "Risk", "no risky facts", t.ok()));
                }
                for f in flags {
                    let detail = match f {
                        RiskFlag::FailedAttempts => {
                            format!("{} failed attempts", r.failed_attempts.unwrap_or(0))
                        }
                        RiskFlag::GeoMismatch => format!(
                            "client {} vs app {}",
                            format::or_dash(r.client_geo.as_deref()),
                            format::or_dash(r.app_geo.as_deref())
                        ),
                        RiskFlag::IpMismatch => format!(
                            "client {} vs app {}",
                            format::or_dash(r.client_ip.as_deref()),
                            format::or_dash(r.app_ip.as_deref())
                        ),
                        RiskFlag::RecentRegistration => {
                            format!("MitID registered {}", format::date(r.registered_at))
                        }
                    };
                    lines.push(Line::from(Span::styled(format!("⚠ {detail}"), t.danger())));
                }
            }
        },
    }
}
