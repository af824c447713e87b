//! Review: the queue of pending legitimation documents, one document beside its person's
//! KYC and risk facts, the confirm dialog and the decisions. Free of I/O.

pub mod calls;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Tone, Width};
use crate::app::features::ViewKind;
use crate::app::paging::{ListCursor, PagedList, list_rows};
use crate::app::pane::{Feature, Pane, Revealable};
use crate::app::registry::{self, Command, Context};
use crate::app::state::{Confirm, Overlay, Resource, State, ViewId};
use crate::audit::Event;
use crate::backends::BackendError;
use crate::core::*;

/// Codes that mean the document is no longer what the reviewer saw.
const STALE: [&str; 3] = ["DOCUMENT_CHANGED", "ALREADY_DECIDED", "DOCUMENT_EXPIRED"];

/// `v`: the queue (the one already open, if any).
pub fn open_queue(state: &mut State) -> Vec<Effect> {
    if let Some(back) = crate::app::requests::return_to(state, |k| matches!(k, ViewKind::Queue(_)))
    {
        return back;
    }
    let view = state.push(ViewKind::Queue(QueueView::default()));
    load_more(state, view)
}

/// Keys in the confirm dialog of a decision.
pub fn on_confirm_key(state: &mut State, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    use crossterm::event::{Event, KeyCode};
    use tui_input::backend::crossterm::EventHandler;
    let reasons = state.profile.reject_reasons.len();
    let Overlay::Confirm(c) = &mut state.overlay else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => state.overlay = Overlay::None,
        KeyCode::Enter => return confirm(state),
        KeyCode::Up if c.reject => c.reason = c.reason.saturating_sub(1),
        KeyCode::Down if c.reject => c.reason = (c.reason + 1).min(reasons),
        _ if c.reject => {
            c.detail.handle_event(&Event::Key(key));
            c.error = None;
        }
        _ => {}
    }
    Vec::new()
}

/// Asks for the next page of the queue, unless one is on its way or it is complete.
pub fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    crate::app::requests::load_page(state, view, |k| match k {
        ViewKind::Queue(q) if q.list.wants_page() => Some(Call::Review(calls::Call::Queue {
            after: q.list.next_cursor.clone(),
            kind: q.kind,
        })),
        _ => None,
    })
}

/// `f`: all kinds → photo IDs → cards → all, reloading from the first page.
pub fn cycle_filter(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let mut effects = Vec::new();
    if let ViewKind::Queue(q) = &mut state.top_mut().kind {
        q.kind = match q.kind {
            None => Some(DocumentKind::PhotoLegitimation),
            Some(DocumentKind::PhotoLegitimation) => Some(DocumentKind::SocialSecurityCard),
            Some(DocumentKind::SocialSecurityCard) => None,
        };
        let old = q.list.loading.take();
        q.list = PagedList::default();
        crate::app::requests::supersede(state, old, &mut effects);
    }
    effects.extend(load_more(state, view));
    effects
}

/// Opens a document from the queue: its person and its bytes load side by side.
pub fn open_document(state: &mut State, item: ReviewItem, effects: &mut Vec<Effect>) {
    let (user, kind) = (item.person.id, item.kind);
    let view = state.push(ViewKind::Document(Box::new(DocumentView::new(item))));
    let person = crate::app::requests::start(
        state,
        view,
        Call::Review(calls::Call::Person(user)),
        effects,
    );
    let file = crate::app::requests::start(
        state,
        view,
        Call::Review(calls::Call::Document { user, kind }),
        effects,
    );
    if let Some(ViewKind::Document(d)) = state.view_mut(view).map(|v| &mut v.kind) {
        d.person = Resource::Loading(person);
        d.file = Resource::Loading(file);
    }
}

/// `a` / `r`: the confirm dialog, only for a document still pending and not being decided.
pub fn ask(state: &mut State, reject: bool) {
    let ViewKind::Document(d) = &state.top().kind else {
        return;
    };
    let pending = d.state() == LegitimationState::Pending;
    if d.deciding.is_some() || !pending {
        if let ViewKind::Document(d) = &mut state.top_mut().kind {
            d.notice = Some(if pending {
                "A decision is already on its way.".into()
            } else {
                "This document is no longer pending: nothing to decide.".into()
            });
        }
        return;
    }
    state.overlay = Overlay::Confirm(Confirm {
        reject,
        reason: 0,
        detail: Default::default(),
        error: None,
    });
}

/// The reason a reject dialog stands for, or why it is not complete.
pub fn reason(c: &Confirm, reasons: &[String]) -> Result<String, String> {
    let detail = c.detail.value().trim();
    match reasons.get(c.reason) {
        Some(r) if detail.is_empty() => Ok(r.clone()),
        Some(r) => Ok(format!("{r}: {detail}")),
        None if detail.is_empty() => Err("Type the reason, or choose one from the list.".into()),
        None => Ok(detail.to_string()),
    }
}

/// Enter in the dialog: sends the decision (the runner audits it first).
pub fn confirm(state: &mut State) -> Vec<Effect> {
    let Overlay::Confirm(c) = &mut state.overlay else {
        return Vec::new();
    };
    let verdict = if c.reject {
        match reason(c, &state.profile.reject_reasons) {
            Ok(reason) => Verdict::Reject { reason },
            Err(e) => {
                c.error = Some(e);
                return Vec::new();
            }
        }
    } else {
        Verdict::Approve
    };
    state.overlay = Overlay::None;
    let view = state.top().id;
    let backend = state.profile.backend;
    let ViewKind::Document(d) = &state.top().kind else {
        return Vec::new();
    };
    let version = d.version();
    let decision = Decision {
        document_id: d.item.document_id,
        kind: d.item.kind,
        expected_version: version,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        verdict,
    };
    let audit = Event {
        backend: backend.to_string(),
        action: decision.verdict.action().to_string(),
        targets: vec![
            format!("user:{}", d.item.person.id),
            format!("document:{}", d.item.document_id),
        ],
        cpr_masked: d.item.cpr.as_ref().map(|c| c.to_string()),
        reason: match &decision.verdict {
            Verdict::Reject { reason } => Some(reason.clone()),
            Verdict::Approve => None,
        },
        correlation: decision.idempotency_key.clone(),
    };
    let mut effects = Vec::new();
    let req = crate::app::requests::start(
        state,
        view,
        Call::Review(calls::Call::Decide {
            decision: Box::new(decision),
            audit: Box::new(audit),
        }),
        &mut effects,
    );
    if let ViewKind::Document(d) = &mut state.top_mut().kind {
        d.deciding = Some(req);
        d.notice = None;
    }
    effects
}

/// A result for the document view. Returns the next item to open after a decision, if any.
pub fn on_document_loaded(
    state: &mut State,
    view: ViewId,
    req: RequestId,
    result: Result<Payload, BackendError>,
    effects: &mut Vec<Effect>,
) {
    let Some(ViewKind::Document(d)) = state.view_mut(view).map(|v| &mut v.kind) else {
        return;
    };
    match result {
        Ok(Payload::Review(calls::Payload::Person(p))) => {
            d.person = match p {
                Some(p) => Resource::Loaded(p),
                None => {
                    Resource::Failed("This person is not visible to your bank any more.".into())
                }
            };
        }
        Ok(Payload::Review(calls::Payload::Document {
            file,
            image,
            image_refused,
        })) => {
            d.file = Resource::Loaded(file);
            d.image = image;
            d.image_refused = image_refused;
        }
        Ok(Payload::Revealed) => d.revealed = true,
        Ok(Payload::Review(calls::Payload::Decided(item))) => {
            d.deciding = None;
            let decided = item.document_id;
            next_after_decision(state, view, decided, effects);
        }
        Err(e) if d.deciding == Some(req) => {
            d.deciding = None;
            let stale = e.code().is_some_and(|c| STALE.contains(&c));
            d.notice = Some(if stale {
                format!(
                    "{} Its current state is shown; nothing was changed.",
                    first_message(&e)
                )
            } else {
                e.to_string()
            });
            if stale {
                // Show what the document is now.
                let user = d.item.person.id;
                let req = crate::app::requests::start(
                    state,
                    view,
                    Call::Review(calls::Call::Person(user)),
                    effects,
                );
                if let Some(ViewKind::Document(d)) = state.view_mut(view).map(|v| &mut v.kind) {
                    d.person = Resource::Loading(req);
                }
                drop_from_queue(state, decided_id(state, view));
            }
        }
        Err(e) => {
            if d.person == Resource::Loading(req) {
                d.person = Resource::Failed(e.to_string());
            } else if d.file == Resource::Loading(req) {
                d.file = Resource::Failed(e.to_string());
            } else {
                d.notice = Some(e.to_string());
            }
        }
        Ok(_) => {}
    }
}

fn first_message(e: &BackendError) -> String {
    match e {
        BackendError::Rejected { messages, .. } => messages.first().cloned().unwrap_or_default(),
        e => e.to_string(),
    }
}

fn decided_id(state: &State, view: ViewId) -> Option<uuid::Uuid> {
    state
        .views
        .iter()
        .find(|v| v.id == view)
        .and_then(|v| match &v.kind {
            ViewKind::Document(d) => Some(d.item.document_id),
            _ => None,
        })
}

/// Removes a document from the queue list; returns its former position.
fn drop_from_queue(state: &mut State, id: Option<uuid::Uuid>) -> Option<usize> {
    let id = id?;
    state.views.iter_mut().find_map(|v| match &mut v.kind {
        ViewKind::Queue(q) => {
            let pos = q.list.rows.iter().position(|r| r.document_id == id)?;
            q.list.rows.remove(pos);
            if let Some(t) = &mut q.list.total {
                *t = t.saturating_sub(1);
            }
            q.list.selected = pos.min(q.list.rows.len().saturating_sub(1));
            Some(pos)
        }
        _ => None,
    })
}

/// After a decision the queue moves on: the next document replaces this one.
fn next_after_decision(
    state: &mut State,
    view: ViewId,
    decided: uuid::Uuid,
    effects: &mut Vec<Effect>,
) {
    let pos = drop_from_queue(state, Some(decided));
    let next = state.views.iter().find_map(|v| match &v.kind {
        ViewKind::Queue(q) => pos.and_then(|p| q.list.rows.get(p).cloned()),
        _ => None,
    });
    // Close the decided document's view (and anything above it).
    if let Some(at) = state.views.iter().position(|v| v.id == view) {
        effects.extend(crate::app::requests::cancel_views_above(state, at));
        state.views.truncate(at);
    }
    match next {
        Some(item) => open_document(state, item, effects),
        None => match state.views.last_mut().map(|v| &mut v.kind) {
            Some(ViewKind::Queue(q)) => {
                q.list.error = Some(if q.list.complete() {
                    "The queue is empty: every pending document has a decision.".into()
                } else {
                    "Decided. Move down to load more of the queue.".into()
                });
            }
            // Opened from elsewhere (a person's documents): that view loads again, so it
            // shows the decision.
            _ => effects.push(Effect::Run(crate::app::registry::Command::Refresh)),
        },
    }
}

/// The queue's table: the pane and `:export` show these.
pub const COLUMNS: &[Column<ReviewItem>] = &[
    Column::new("Submitted", Width::Fixed(10), |i| {
        crate::format::date(i.created)
    }),
    Column::new("Document", Width::Fixed(9), |i| {
        match i.kind {
            DocumentKind::PhotoLegitimation => "Photo ID",
            DocumentKind::SocialSecurityCard => "SSC",
        }
        .into()
    }),
    Column::new("Person", Width::Fill(1), |i| i.person.full_name()),
    Column::new("CPR", Width::Fixed(11), |i| {
        i.cpr.as_ref().map(|c| c.to_string()).unwrap_or_default()
    }),
    Column::dated("Waiting", Width::Fixed(8), |i, shown| {
        i.created
            .map(|c| format!("{} d", shown.today.duration_since(c).as_secs() / 86_400))
            .unwrap_or_default()
    }),
    Column::new("Expires", Width::Fixed(10), |i: &ReviewItem| {
        crate::format::date(i.expires)
    })
    .toned(|i, shown| {
        if i.is_expired(shown.today) {
            Tone::Danger
        } else {
            Tone::Normal
        }
    }),
];

pub struct Review;

impl Feature for Review {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        let rows = list_rows(state.size.1);
        match (&mut state.top_mut().kind, command) {
            (ViewKind::Queue(_), Command::Kinds) => cycle_filter(state),
            (ViewKind::Document(_), Command::Approve | Command::Reject) => {
                ask(state, command == Command::Reject);
                Vec::new()
            }
            (ViewKind::Document(d), Command::Zoom) => {
                d.zoom = !d.zoom;
                Vec::new()
            }
            _ => {
                let _ = rows;
                Vec::new()
            }
        }
    }

    fn open(&self, state: &mut State) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let ViewKind::Queue(q) = &state.top().kind
            && let Some(item) = q.list.rows.get(q.list.selected).cloned()
        {
            open_document(state, item, &mut effects);
        }
        effects
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        let mut effects = Vec::new();
        match &mut state.top_mut().kind {
            ViewKind::Queue(q) => {
                q.list.refresh();
                effects.extend(load_more(state, view));
            }
            ViewKind::Document(d) => {
                let item = d.item.clone();
                state.views.pop();
                open_document(state, item, &mut effects);
            }
            _ => {}
        }
        effects
    }

    fn load_more(&self, state: &mut State, view: ViewId) -> Vec<Effect> {
        load_more(state, view)
    }

    fn on_loaded(
        &self,
        state: &mut State,
        view: ViewId,
        req: RequestId,
        result: Result<Payload, BackendError>,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        match state.view_mut(view).map(|v| &mut v.kind) {
            Some(ViewKind::Queue(q)) => q.list.apply(req, result, |p| match p {
                Payload::Review(calls::Payload::Queue(page)) => Some(page),
                _ => None,
            }),
            Some(ViewKind::Document(_)) => {
                on_document_loaded(state, view, req, result, &mut effects)
            }
            _ => {}
        }
        effects
    }
}

impl Pane for QueueView {
    fn title(&self) -> String {
        "Review queue".into()
    }
    fn context(&self) -> Context {
        registry::QUEUE
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        Some(&mut self.list)
    }
    fn filter(&self) -> Option<&crate::app::filter::ListFilter> {
        self.list.filter.as_ref()
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        Some(Sheet::of("review-queue", COLUMNS, &self.list.rows, shown))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        let item = self.list.rows.get(self.list.selected)?;
        Some(("document id", item.document_id.to_string()))
    }
    fn cancelled(&mut self) {
        ListCursor::cancelled(&mut self.list)
    }
}

impl Pane for DocumentView {
    fn title(&self) -> String {
        format!(
            "{} of {}",
            self.item.kind.label(),
            self.item.person.full_name()
        )
    }
    fn context(&self) -> Context {
        registry::DOCUMENT
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        Some(Sheet::fields(
            "document",
            document_fields(self, shown.language),
        ))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("document id", self.item.document_id.to_string()))
    }
    fn cancelled(&mut self) {
        if self.deciding.is_some() {
            self.deciding = None;
            self.notice = Some(
                "Stopped waiting for the decision. It may still have been made: press F5 to see the document's state."
                    .into(),
            );
        }
    }
    fn back(&mut self) -> bool {
        std::mem::take(&mut self.zoom)
    }
    fn revealable(&self) -> Option<Revealable> {
        let ssn = self.item.cpr.as_ref()?;
        Some(Revealable {
            targets: vec![
                format!("user:{}", self.item.person.id),
                format!("document:{}", self.item.document_id),
            ],
            masked: Some(ssn.to_string()),
            cpr: match ssn {
                Ssn::Danish(c) => Some(*c),
                _ => None,
            },
            revealed: self.revealed,
        })
    }
    fn set_revealed(&mut self, shown: bool) {
        self.revealed = shown;
    }
}

/// The facts beside the image, as the document view shows them; the image never leaves the
/// screen.
pub fn document_fields(d: &DocumentView, language: &str) -> Vec<(&'static str, String)> {
    let current = d.current();
    let item = &d.item;
    let at = |t: Option<jiff::Timestamp>| crate::format::datetime(t);
    vec![
        ("Document", item.document_id.to_string()),
        ("Kind", item.kind.label().into()),
        ("Person", item.person.full_name()),
        (
            "CPR",
            item.cpr.as_ref().map(|c| c.to_string()).unwrap_or_default(),
        ),
        ("State", d.state().label().to_uppercase()),
        ("Version", d.version().to_string()),
        ("Submitted", at(item.created)),
        ("Expires", at(item.expires)),
        (
            "Type",
            current
                .and_then(|c| c.type_name(language))
                .unwrap_or_default()
                .into(),
        ),
        (
            "Rejected because",
            current
                .and_then(|c| c.rejected_reason.clone())
                .unwrap_or_default(),
        ),
    ]
}

crate::filter_on_columns!(ReviewItem, COLUMNS);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::Action;
    use crate::app::test_support::*;
    use crate::app::update::update;
    use crossterm::event::KeyCode;
    use std::time::Duration;

    fn item(first: &str, n: u8) -> ReviewItem {
        ReviewItem {
            document_id: uuid::Uuid::from_bytes([n; 16]),
            kind: DocumentKind::PhotoLegitimation,
            version: 3,
            state: LegitimationState::Pending,
            created: None,
            expires: None,
            person: person(first),
            cpr: Some(Ssn::Danish(
                Cpr::parse_on("2110620629", jiff::civil::Date::constant(2026, 1, 1)).unwrap(),
            )),
        }
    }

    /// A state with the queue open on three documents and the first one opened.
    fn reviewing() -> State {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, call) = call_req(&key(&mut s, KeyCode::Char('v')));
        assert_eq!(
            call,
            Call::Review(calls::Call::Queue {
                after: None,
                kind: None
            })
        );
        let page = Page {
            items: vec![item("A", 1), item("B", 2), item("C", 3)],
            total: 3,
            next_cursor: None,
        };
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Review(calls::Payload::Queue(page))),
            },
        );
        let effects = key(&mut s, KeyCode::Enter);
        let wanted: Vec<Call> = calls(&effects).into_iter().map(|(_, c)| c).collect();
        assert!(
            matches!(
                wanted[..],
                [
                    Call::Review(calls::Call::Person(_)),
                    Call::Review(calls::Call::Document { .. })
                ]
            ),
            "{wanted:?}"
        );
        s
    }

    fn document(s: &State) -> &DocumentView {
        match &s.top().kind {
            ViewKind::Document(d) => d,
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn four_keys_from_queue_to_a_confirmed_rejection_then_the_next_document() {
        let mut s = reviewing(); // v, Enter
        assert!(key(&mut s, KeyCode::Char('r')).is_empty());
        assert!(matches!(
            s.overlay,
            Overlay::Confirm(Confirm { reject: true, .. })
        ));
        let effects = key(&mut s, KeyCode::Enter);
        let (req, call) = call_req(&effects);
        let Call::Review(calls::Call::Decide { decision, audit }) = call else {
            panic!("{call:?}")
        };
        assert_eq!(
            decision.verdict,
            Verdict::Reject {
                reason: DEFAULT_REJECT_REASONS[0].into()
            }
        );
        assert_eq!(decision.expected_version, 3);
        assert_eq!(audit.action, "legitimation.reject");
        assert_eq!(audit.cpr_masked.as_deref(), Some("211062-****"));
        assert_eq!(audit.correlation, decision.idempotency_key);
        assert_eq!(document(&s).deciding, Some(req));
        let mut done = item("A", 1);
        done.state = LegitimationState::Rejected;
        let effects = update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Review(calls::Payload::Decided(done))),
            },
        );
        assert_eq!(
            document(&s).item.person.first_name,
            "B",
            "the queue moves to the next document"
        );
        assert_eq!(calls(&effects).len(), 2);
        let ViewKind::Queue(q) = &s.views[s.views.len() - 2].kind else {
            panic!()
        };
        assert_eq!(q.list.rows.len(), 2);
    }

    #[test]
    fn a_chosen_reason_with_details_and_other_needs_text() {
        let mut s = reviewing();
        key(&mut s, KeyCode::Char('r'));
        key(&mut s, KeyCode::Down);
        type_text(&mut s, "since May");
        let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
        let Call::Review(calls::Call::Decide { decision, audit }) = call else {
            panic!()
        };
        let reason = format!("{}: since May", DEFAULT_REJECT_REASONS[1]);
        assert_eq!(
            decision.verdict,
            Verdict::Reject {
                reason: reason.clone()
            }
        );
        assert_eq!(audit.reason.as_deref(), Some(reason.as_str()));

        let mut s = reviewing();
        key(&mut s, KeyCode::Char('r'));
        for _ in 0..10 {
            key(&mut s, KeyCode::Down);
        }
        assert!(
            key(&mut s, KeyCode::Enter).is_empty(),
            "Other with no text sends nothing"
        );
        assert!(matches!(&s.overlay, Overlay::Confirm(c) if c.error.is_some()));
        key(&mut s, KeyCode::Esc);
        assert!(matches!(s.overlay, Overlay::None));
        assert!(
            s.requests
                .keys()
                .all(|r| !matches!(document(&s).deciding, Some(d) if d == *r))
        );
    }

    #[test]
    fn a_document_decided_meanwhile_shows_its_new_state_and_nothing_moves_on() {
        let mut s = reviewing();
        key(&mut s, KeyCode::Char('a'));
        let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
        let err = BackendError::Rejected {
            backend: "Unioo",
            request_id: "r9".into(),
            messages: vec!["The document was already decided: it is APPROVED.".into()],
            code: Some("ALREADY_DECIDED".into()),
        };
        let effects = update(
            &mut s,
            Action::Loaded {
                req,
                result: Err(err),
            },
        );
        let d = document(&s);
        assert_eq!(d.item.person.first_name, "A", "stays on the document");
        assert!(
            d.notice.as_deref().unwrap().contains("already decided"),
            "{:?}",
            d.notice
        );
        assert!(
            matches!(call_req(&effects).1, Call::Review(calls::Call::Person(_))),
            "reloads to show the current state"
        );
        let ViewKind::Queue(q) = &s.views[s.views.len() - 2].kind else {
            panic!()
        };
        assert_eq!(q.list.rows.len(), 2, "no longer pending: out of the queue");
    }

    #[test]
    fn read_only_profiles_cannot_decide() {
        let mut s = reviewing();
        s.profile.read_only = true;
        assert!(key(&mut s, KeyCode::Char('a')).is_empty());
        assert!(key(&mut s, KeyCode::Char('r')).is_empty());
        assert!(matches!(s.overlay, Overlay::None));
        key(&mut s, KeyCode::Char(':'));
        type_text(&mut s, "approve");
        assert!(key(&mut s, KeyCode::Enter).is_empty());
        assert!(matches!(s.overlay, Overlay::None));
        // And help does not list them.
        let ctx = s.context();
        assert!(crate::app::registry::available(ctx).all(|c| !c.mutating));
    }

    #[test]
    fn reveal_asks_why_is_audited_and_lasts_until_the_view_changes() {
        let mut s = reviewing();
        key(&mut s, KeyCode::Char('R'));
        assert!(matches!(s.overlay, Overlay::Reveal { .. }));
        assert!(
            key(&mut s, KeyCode::Enter).is_empty(),
            "a reason is required"
        );
        type_text(&mut s, "customer on the phone");
        let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
        let Call::Reveal { audit } = call else {
            panic!()
        };
        assert_eq!(audit.action, "cpr.reveal");
        assert_eq!(audit.cpr_masked.as_deref(), Some("211062-****"));
        assert!(
            !document(&s).revealed,
            "not before the audit record is written"
        );
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Revealed),
            },
        );
        assert!(document(&s).revealed);
        key(&mut s, KeyCode::Esc); // cancels the image and KYC loads still running
        assert!(document(&s).revealed, "still this view");
        key(&mut s, KeyCode::Esc); // leaves it
        assert!(
            s.views
                .iter()
                .all(|v| !matches!(&v.kind, ViewKind::Document(d) if d.revealed))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_screen_locks_after_idling_and_keeps_drafts() {
        let mut s = state();
        s.profile.idle_lock = Duration::from_secs(15 * 60);
        let tick = |s: &mut State| {
            update(s, Action::Tick(tokio::time::Instant::now().into_std()));
        };
        s.now = tokio::time::Instant::now().into_std();
        s.last_input = s.now;
        type_text(&mut s, "2110");
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        for _ in 0..(14 * 60) {
            interval.tick().await;
            tick(&mut s);
        }
        assert!(!s.locked, "not before 15 minutes");
        for _ in 0..62 {
            interval.tick().await;
            tick(&mut s);
        }
        assert!(s.locked);
        assert!(crate::app::update::tick_redraws(&s) || s.locked);
        // Keys other than Enter do nothing while locked.
        assert!(key(&mut s, KeyCode::Char('q')).is_empty());
        assert!(!s.quit && s.locked);
        key(&mut s, KeyCode::Enter);
        assert!(!s.locked);
        let ViewKind::Search(v) = &s.views[0].kind else {
            panic!()
        };
        assert_eq!(v.input.value(), "2110", "the draft is kept");
    }
}
