//! `:pending`: the open four-eyes proposals of the team (others' first, own marked), and one
//! proposal beside its target as it is now, which a second officer confirms (the change is
//! sent from this console) or declines with a reason. Free of I/O.

pub mod calls;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Width};
use crate::app::features::ViewKind;
use crate::app::paging::{ListCursor, PagedList};
use crate::app::pane::{Feature, ListRow, Pane};
use crate::app::registry::{self, Command, Context};
use crate::app::requests;
use crate::app::state::{Resource, State, ViewId};
use crate::backends::BackendError;
use crate::core::Page;

/// `P` / `:pending`: the open proposals (the list already open, if any, loaded again).
pub fn open_list(state: &mut State) -> Vec<Effect> {
    if let Some(mut effects) = requests::return_to(state, |k| matches!(k, ViewKind::Pending(_))) {
        effects.extend(load(state));
        return effects;
    }
    state.push(ViewKind::Pending(PagedList::default()));
    load(state)
}

fn load(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    requests::load_page(state, view, |k| match k {
        ViewKind::Pending(_) => Some(Call::Pending(calls::Call::List)),
        _ => None,
    })
}

/// The proposals table.
pub const COLUMNS: &[Column<ProposalRow>] = &[
    Column::new("Action", Width::Fixed(22), |r| r.proposal.action.clone()),
    // What is acted on: the proposal's subject (a document rather than its person, an
    // employee rather than their company), without its backend.
    Column::new("Target", Width::Fill(1), |r| {
        let s = &r.proposal.subject;
        s.split_once(':').map_or(s.as_str(), |(_, t)| t).to_string()
    }),
    Column::new("Maker", Width::Fixed(16), |r| {
        let who = r
            .proposal
            .maker_name
            .clone()
            .unwrap_or(r.proposal.maker.clone());
        if r.mine { format!("{who} (you)") } else { who }
    }),
    // A confirmed proposal listed here is one whose sending was cut off.
    Column::new("Status", Width::Fixed(7), |r| {
        if r.proposal.status == crate::team::ProposalStatus::Confirmed {
            "unsent".into()
        } else {
            r.proposal.status.to_string()
        }
    }),
    Column::new("Age", Width::Fixed(10), |r| {
        crate::format::duration_words(r.age.as_secs())
    }),
    Column::new("Reason", Width::Fill(1), |r: &ProposalRow| {
        r.proposal.reason.clone().unwrap_or_default()
    })
    .from_width(100),
];

crate::filter_on_columns!(ProposalRow, COLUMNS);

impl ListRow for ProposalRow {
    const TITLE: &'static str = "Pending proposals";
    const SHEET: &'static str = "pending";
    const CONTEXT: Context = registry::PENDING;
    const COPY_LABEL: &'static str = "proposal id";
    const COLUMNS: &'static [Column<Self>] = COLUMNS;
    fn id(&self) -> String {
        self.proposal.id.to_string()
    }
}

/// The proposal's facts, as the view draws them and `:export` writes them.
pub fn fields(v: &ProposalView) -> Vec<(&'static str, String)> {
    let p = &v.row.proposal;
    let maker = p.maker_name.clone().unwrap_or(p.maker.clone());
    let numbered = |v: &str| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit());
    let current = match &v.current {
        Resource::Loaded(Some(c)) if c.version.is_empty() => c.state.clone(),
        Resource::Loaded(Some(c)) if numbered(&c.version) => {
            format!("{} v{}", c.state, c.version)
        }
        // A record's fingerprint: say whether it moved, not the hash.
        Resource::Loaded(Some(c)) if c.version == p.seen_version => {
            format!("{} · unchanged since the proposal", c.state)
        }
        Resource::Loaded(Some(c)) => format!(
            "{} · changed since the proposal: confirming makes it void",
            c.state
        ),
        Resource::Loaded(None) => "not read back for this action".into(),
        Resource::Loading(_) | Resource::Idle => "reading…".into(),
        Resource::Failed(e) => format!("unknown: {e}"),
    };
    let seen = if p.seen_version.is_empty() {
        "not tracked for this action".to_string()
    } else if numbered(&p.seen_version) {
        format!("v{}", p.seen_version)
    } else {
        format!(
            "the record as it was (fingerprint {})",
            p.seen_version.get(..12).unwrap_or(&p.seen_version)
        )
    };
    let mut out = vec![("Action", p.action.clone()), ("Backend", p.backend.clone())];
    if p.status == crate::team::ProposalStatus::Confirmed {
        // Short lines: the value column is some 60 characters at 80.
        let checker = p
            .checker_name
            .clone()
            .or(p.checker.clone())
            .unwrap_or_default();
        out.push((
            "Status",
            format!("confirmed by {checker}, its sending cut off"),
        ));
        out.push((
            "",
            format!(
                "{} attempt{}; confirming sends it again (same key)",
                p.sends,
                if p.sends == 1 { "" } else { "s" }
            ),
        ));
    }
    // One target per line: ids are long, and a wrapped one reads as two.
    for (i, t) in p.targets.iter().enumerate() {
        out.push((if i == 0 { "Targets" } else { "" }, t.clone()));
    }
    out.extend([
        ("Maker", format!("{maker} on {}", p.maker_host)),
        ("Made", crate::format::datetime(Some(p.made_at))),
        ("Age", crate::format::duration_words(v.row.age.as_secs())),
        ("Reason", p.reason.clone().unwrap_or_default()),
        ("Version seen", seen),
        ("Now", current),
        ("Proposal", p.id.to_string()),
    ]);
    out
}

fn open_proposal(state: &mut State, row: ProposalRow) -> Vec<Effect> {
    let proposal = Box::new(row.proposal.clone());
    let view = state.push(ViewKind::Proposal(Box::new(ProposalView::new(row))));
    let mut effects = Vec::new();
    let req = requests::start(
        state,
        view,
        Call::Pending(calls::Call::Current(proposal)),
        &mut effects,
    );
    if let Some(ViewKind::Proposal(v)) = state.view_mut(view).map(|v| &mut v.kind) {
        v.current = Resource::Loading(req);
    }
    effects
}

/// Why this officer cannot confirm or decline the proposal on screen now, if so.
fn cannot_decide(v: &ProposalView) -> Option<&'static str> {
    if v.row.mine {
        Some("You made this proposal: another officer must confirm or decline it.")
    } else if v.settled {
        Some("This proposal is settled: nothing more to do.")
    } else if v.sending.is_some() {
        Some("Already on its way.")
    } else {
        None
    }
}

fn confirm(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let ViewKind::Proposal(v) = &mut state.top_mut().kind else {
        return Vec::new();
    };
    if let Some(why) = cannot_decide(v) {
        v.notice = Some(why.into());
        return Vec::new();
    }
    let id = v.row.proposal.id;
    let mut effects = Vec::new();
    let req = requests::start(
        state,
        view,
        Call::Pending(calls::Call::Confirm(id)),
        &mut effects,
    );
    if let ViewKind::Proposal(v) = &mut state.top_mut().kind {
        v.sending = Some(req);
        v.notice = None;
    }
    effects
}

fn ask_decline(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let ViewKind::Proposal(v) = &mut state.top_mut().kind else {
        return Vec::new();
    };
    if let Some(why) = cannot_decide(v) {
        v.notice = Some(why.into());
        return Vec::new();
    }
    if v.row.proposal.status == crate::team::ProposalStatus::Confirmed {
        v.notice = Some(
            "Already confirmed by another officer: it can be sent again, not declined.".into(),
        );
        return Vec::new();
    }
    let id = v.row.proposal.id;
    let question = format!(
        "Decline {} on {}? The maker sees your reason in the timeline.",
        v.row.proposal.action,
        v.row.proposal.targets.join(" ")
    );
    crate::app::ask::open(
        state,
        crate::app::ask::Ask::new(
            "Decline proposal",
            question,
            "Reason: ",
            "declines it",
            Box::new(move |state, reason| {
                let mut effects = Vec::new();
                let req = requests::start(
                    state,
                    view,
                    Call::Pending(calls::Call::Decline { id, reason }),
                    &mut effects,
                );
                if let Some(ViewKind::Proposal(v)) = state.view_mut(view).map(|v| &mut v.kind) {
                    v.sending = Some(req);
                }
                effects
            }),
        ),
    );
    Vec::new()
}

pub struct PendingFeature;

impl Feature for PendingFeature {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        match (&state.top().kind, command) {
            (ViewKind::Proposal(_), Command::ConfirmProposal) => confirm(state),
            (ViewKind::Proposal(_), Command::DeclineProposal) => ask_decline(state),
            _ => Vec::new(),
        }
    }

    fn open(&self, state: &mut State) -> Vec<Effect> {
        match &state.top().kind {
            ViewKind::Pending(l) => match l.rows.get(l.selected).cloned() {
                Some(row) => open_proposal(state, row),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        match &mut state.top_mut().kind {
            ViewKind::Pending(l) => {
                l.refresh();
                load(state)
            }
            ViewKind::Proposal(v) => {
                let row = v.row.clone();
                state.views.pop();
                open_proposal(state, row)
            }
            _ => Vec::new(),
        }
    }

    fn on_loaded(
        &self,
        state: &mut State,
        view: ViewId,
        req: RequestId,
        result: Result<Payload, BackendError>,
    ) -> Vec<Effect> {
        match state.view_mut(view).map(|v| &mut v.kind) {
            Some(ViewKind::Pending(l)) => l.apply(req, result, |p| match p {
                Payload::Pending(calls::Payload::List(rows)) => Some(Page {
                    total: rows.len(),
                    items: rows,
                    next_cursor: None,
                }),
                _ => None,
            }),
            Some(ViewKind::Proposal(v)) => on_proposal_loaded(v, req, result),
            _ => {}
        }
        Vec::new()
    }
}

fn on_proposal_loaded(v: &mut ProposalView, req: RequestId, result: Result<Payload, BackendError>) {
    if v.sending == Some(req) {
        v.sending = None;
    }
    match result {
        Ok(Payload::Pending(calls::Payload::Current(c))) => v.current = Resource::Loaded(c),
        Ok(Payload::Pending(calls::Payload::Confirmed { outcome, void })) => {
            v.settled = true;
            v.notice = Some(if void {
                format!("Void, nothing was sent: {outcome}.")
            } else {
                format!("Confirmed: {outcome}.")
            });
        }
        Ok(Payload::Pending(calls::Payload::Declined)) => {
            v.settled = true;
            v.notice = Some("Declined: nothing was sent.".into());
        }
        Err(e) if v.current == Resource::Loading(req) => {
            v.current = Resource::Failed(e.to_string())
        }
        Err(e) => v.notice = Some(e.to_string()),
        Ok(_) => {}
    }
}

impl Pane for ProposalView {
    fn title(&self) -> String {
        format!("Proposal: {}", self.row.proposal.action)
    }
    fn context(&self) -> Context {
        registry::PROPOSAL
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, _shown: &Shown) -> Option<Sheet> {
        Some(Sheet::fields("proposal", fields(self)))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("proposal id", self.row.proposal.id.to_string()))
    }
    fn cancelled(&mut self) {
        if self.sending.take().is_some() {
            self.notice = Some(
                "Stopped waiting. If it was confirmed, the change may still have been sent: F5 on the list shows whether it is still open."
                    .into(),
            );
        }
    }
    fn subject(&self) -> Option<crate::app::pane::Subject> {
        let p = &self.row.proposal;
        Some(crate::app::pane::Subject {
            key: p.subject.clone(),
            title: format!("{} (proposed {})", p.subject, p.action),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(seen: &str, now: Option<calls::Current>) -> ProposalView {
        let t = jiff::Timestamp::from_second(1_790_000_000).unwrap();
        let proposal = crate::team::Proposal {
            id: uuid::Uuid::nil(),
            idempotency_key: uuid::Uuid::nil(),
            action: "bank-user.block".into(),
            backend: "bunq".into(),
            targets: vec!["bunq-user:7".into()],
            subject: "bunq:bunq-user:7".into(),
            seen_version: seen.into(),
            reason: Some("card fraud".into()),
            payload: serde_json::Value::Null,
            maker: "ana".into(),
            maker_name: Some("Ana Holm".into()),
            maker_host: "jump-1".into(),
            made_at: t,
            status: crate::team::ProposalStatus::Open,
            checker: None,
            checker_name: None,
            decided_at: None,
            decision_note: None,
            outcome: None,
            done_at: None,
            send_started: None,
            sends: 0,
        };
        let mut v = ProposalView::new(ProposalRow {
            proposal,
            mine: false,
            age: std::time::Duration::from_secs(90),
        });
        v.current = Resource::Loaded(now);
        v
    }

    fn field(v: &ProposalView, name: &str) -> String {
        fields(v)
            .into_iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
            .unwrap()
    }

    #[test]
    fn the_checker_sees_whether_the_record_moved_since_the_proposal() {
        let now = |version: &str| {
            Some(calls::Current {
                state: "ACTIVE / NONE".into(),
                version: version.into(),
            })
        };
        let same = view("ab12cd34ef56aa", now("ab12cd34ef56aa"));
        assert_eq!(
            field(&same, "Now"),
            "ACTIVE / NONE · unchanged since the proposal"
        );
        assert!(field(&same, "Version seen").contains("fingerprint ab12cd34ef56"));
        let moved = view("ab12cd34ef56aa", now("ffff"));
        assert!(
            field(&moved, "Now").contains("changed since the proposal: confirming makes it void")
        );
        let document = view("3", now("3"));
        assert_eq!(field(&document, "Now"), "ACTIVE / NONE v3");
        assert_eq!(field(&document, "Version seen"), "v3");
        let untracked = view("", None);
        assert_eq!(field(&untracked, "Now"), "not read back for this action");
        assert_eq!(
            field(&untracked, "Version seen"),
            "not tracked for this action"
        );
        // A stored version that is not ASCII is shown, never sliced mid-character.
        let odd = view("ééééééééééééé", now("x"));
        assert!(field(&odd, "Version seen").contains("fingerprint"));
    }
}
