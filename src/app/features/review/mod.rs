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

/// How often the queue asks again who holds its documents, while it is on screen.
const CLAIMS_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

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

/// Opens a document from the queue: its person and its bytes load side by side, and it is
/// claimed for this operator.
pub fn open_document(state: &mut State, item: ReviewItem, effects: &mut Vec<Effect>) {
    let (user, kind, document) = (item.person.id, item.kind, item.document_id);
    let view = state.push(ViewKind::Document(Box::new(DocumentView::new(item))));
    let claiming = crate::app::requests::start(
        state,
        view,
        Call::Review(calls::Call::Claim(document)),
        effects,
    );
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
        d.claiming = Some(claiming);
    }
}

/// Asks the team store who holds the queue's loaded documents.
fn ask_claims(state: &mut State, view: ViewId) -> Vec<Effect> {
    let Some(ViewKind::Queue(q)) = state.view_mut(view).map(|v| &mut v.kind) else {
        return Vec::new();
    };
    if q.claims_loading.is_some() || q.list.rows.is_empty() {
        return Vec::new();
    }
    let ids = q.list.rows.iter().map(|r| r.item.document_id).collect();
    let mut effects = Vec::new();
    let req = crate::app::requests::start(
        state,
        view,
        Call::Review(calls::Call::Claims(ids)),
        &mut effects,
    );
    let now = state.now;
    if let Some(ViewKind::Queue(q)) = state.view_mut(view).map(|v| &mut v.kind) {
        q.claims_loading = Some(req);
        q.claims_asked = Some(now);
    }
    effects
}

/// The claims the store answered, on the queue's rows (a row it did not name is free).
fn on_claims(q: &mut QueueView, req: RequestId, result: Result<Payload, BackendError>) {
    q.claims_loading = None;
    match result {
        Ok(Payload::Review(calls::Payload::Claims(claims))) => {
            q.claims_error = None;
            let mut by_id: std::collections::HashMap<_, _> = claims.into_iter().collect();
            for row in &mut q.list.rows {
                row.claim = by_id.remove(&row.item.document_id);
            }
        }
        Err(e) => {
            q.claims_error = Some(format!("Claims unknown: {e}"));
            for row in &mut q.list.rows {
                row.claim = None;
            }
        }
        Ok(_) => {}
    }
    let _ = req;
}

/// `a` / `r` on a document someone else holds: take it over, with a reason, first.
fn ask_take_over(state: &mut State, holder: &crate::team::Claim) {
    let ViewKind::Document(d) = &state.top().kind else {
        return;
    };
    let (document, view) = (d.item.document_id, state.top().id);
    let targets = vec![
        format!("user:{}", d.item.person.id),
        format!("document:{document}"),
    ];
    let who = holder.owner_name.clone().unwrap_or(holder.owner.clone());
    let backend = state.profile.backend.to_string();
    let question = format!(
        "{who} (on {}) is working on this document. Take it over to decide? They will see it \
         in the document's timeline; the reason is audited.",
        holder.host
    );
    crate::app::ask::open(
        state,
        crate::app::ask::Ask::new(
            "Take over",
            question,
            "Reason: ",
            "takes it over",
            Box::new(move |state, reason| {
                let audit = Event {
                    backend,
                    action: "claim.take_over".into(),
                    targets,
                    reason: Some(reason.clone()),
                    correlation: uuid::Uuid::new_v4().to_string(),
                    ..Default::default()
                };
                let mut effects = Vec::new();
                let req = crate::app::requests::start(
                    state,
                    view,
                    Call::Review(calls::Call::TakeOver {
                        document,
                        reason,
                        audit: Box::new(audit),
                    }),
                    &mut effects,
                );
                if let Some(ViewKind::Document(d)) = state.view_mut(view).map(|v| &mut v.kind) {
                    d.claiming = Some(req);
                }
                effects
            }),
        ),
    );
}

/// `a` / `r`: the confirm dialog, only for a document still pending, not being decided,
/// and claimed by this operator (one held by someone else is taken over first).
pub fn ask(state: &mut State, reject: bool) {
    let ViewKind::Document(d) = &state.top().kind else {
        return;
    };
    let waiting = match &d.claim {
        ClaimState::Mine { .. } => None,
        ClaimState::Theirs(holder) => {
            let holder = holder.clone();
            ask_take_over(state, &holder);
            return;
        }
        ClaimState::Asking => {
            if let ViewKind::Document(d) = &mut state.top_mut().kind {
                d.decide_when_claimed = Some(reject);
            }
            Some(
                "Claiming the document for you: the decision is asked once it is yours."
                    .to_string(),
            )
        }
        ClaimState::Unknown(why) => Some(format!(
            "The document could not be claimed ({why}). Deciding waits for the team store: F5 tries again."
        )),
    };
    if let Some(why) = waiting {
        if let ViewKind::Document(d) = &mut state.top_mut().kind {
            d.notice = Some(why);
        }
        return;
    }
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
    let now = state.now;
    let pending_key = state.keymap.label(Command::Pending);
    let decide_keys = format!(
        "{} or {}",
        state.keymap.label(Command::Approve),
        state.keymap.label(Command::Reject)
    );
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
        Ok(Payload::Proposed(_)) => {
            d.deciding = None;
            d.notice = Some(format!(
                "Proposed, not sent: a second officer confirms it ({pending_key} lists proposals)."
            ));
        }
        Ok(Payload::Review(calls::Payload::Claimed(result))) => {
            d.claiming = None;
            match result {
                crate::team::ClaimResult::Taken(_) => {
                    if matches!(d.claim, ClaimState::Theirs(_)) {
                        d.notice = Some("The document is yours now.".into());
                    } else if d.decide_when_claimed.is_some() {
                        d.notice = None;
                    }
                    d.claim = ClaimState::Mine { renewed: now };
                    if let Some(reject) = d.decide_when_claimed.take()
                        && state.top().id == view
                    {
                        ask(state, reject);
                    }
                }
                crate::team::ClaimResult::HeldBy(c) => {
                    d.decide_when_claimed = None;
                    let who = c.owner_name.clone().unwrap_or(c.owner.clone());
                    d.notice = Some(format!(
                        "{who} holds this document: look freely; {decide_keys} asks to take it over."
                    ));
                    d.claim = ClaimState::Theirs(c);
                }
            }
        }
        Err(e) if d.claiming == Some(req) => {
            d.claiming = None;
            d.decide_when_claimed = None;
            if !matches!(d.claim, ClaimState::Mine { .. }) {
                d.claim = ClaimState::Unknown(first_message(&e));
            }
            d.notice = Some(format!("Claim: {e}"));
        }
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
            let pos = q.list.rows.iter().position(|r| r.item.document_id == id)?;
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
        ViewKind::Queue(q) => pos.and_then(|p| q.list.rows.get(p).map(|r| r.item.clone())),
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
pub const COLUMNS: &[Column<QueueRow>] = &[
    // The queue is oldest first already: on a narrow screen the person and the claim matter more.
    Column::new("Submitted", Width::Fixed(10), |r: &QueueRow| {
        crate::format::date(r.item.created)
    })
    .from_width(72),
    Column::new("Document", Width::Fixed(9), |r| {
        match r.item.kind {
            DocumentKind::PhotoLegitimation => "Photo ID",
            DocumentKind::SocialSecurityCard => "SSC",
        }
        .into()
    }),
    Column::new("Person", Width::Fill(1), |r| r.item.person.full_name()),
    Column::new("CPR", Width::Fixed(11), |r| {
        r.item
            .cpr
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default()
    }),
    Column::dated("Waiting", Width::Fixed(10), |r: &QueueRow, shown| {
        r.item
            .created
            .map(|c| {
                let secs = shown.today.duration_since(c).as_secs().max(0);
                crate::format::duration_words(secs as u64)
            })
            .unwrap_or_default()
    })
    .from_width(100),
    Column::new("Expires", Width::Fixed(10), |r: &QueueRow| {
        crate::format::date(r.item.expires)
    })
    .toned(|r, shown| {
        if r.item.is_expired(shown.today) {
            Tone::Danger
        } else {
            Tone::Normal
        }
    }),
    // Who is working on it, and since when: someone else's claim is a warning.
    Column::new("Claimed", Width::Fixed(14), |r: &QueueRow| {
        r.claim.as_ref().map(ClaimShown::label).unwrap_or_default()
    })
    .toned(|r, _| match &r.claim {
        Some(c) if !c.mine => Tone::Warn,
        Some(_) => Tone::Ok,
        None => Tone::Normal,
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
            && let Some(item) = q.list.rows.get(q.list.selected).map(|r| r.item.clone())
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

    fn on_tick(&self, state: &mut State, view: ViewId, on_top: bool) -> Vec<Effect> {
        let (now, ttl) = (state.now, state.profile.claim_ttl);
        let Some(kind) = state.views.iter().find(|v| v.id == view).map(|v| &v.kind) else {
            return Vec::new();
        };
        match kind {
            // Who works on what changes while the queue is looked at.
            ViewKind::Queue(q)
                if on_top
                    && q.claims_loading.is_none()
                    && q.claims_asked
                        .is_some_and(|t| now.duration_since(t) >= CLAIMS_EVERY) =>
            {
                ask_claims(state, view)
            }
            // Renewed at a third of its life while the document is open, on top or under
            // another view (its timeline, say), so neither a slow store nor a look elsewhere
            // lets it lapse.
            ViewKind::Document(d)
                if d.claiming.is_none()
                    && matches!(d.claim, ClaimState::Mine { renewed } if now.duration_since(renewed) >= ttl / 3) =>
            {
                let document = d.item.document_id;
                let mut effects = Vec::new();
                let req = crate::app::requests::start(
                    state,
                    view,
                    Call::Review(calls::Call::Claim(document)),
                    &mut effects,
                );
                if let Some(ViewKind::Document(d)) = state.view_mut(view).map(|v| &mut v.kind) {
                    d.claiming = Some(req);
                }
                effects
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
        let mut effects = Vec::new();
        match state.view_mut(view).map(|v| &mut v.kind) {
            Some(ViewKind::Queue(q)) if q.claims_loading == Some(req) => on_claims(q, req, result),
            Some(ViewKind::Queue(q)) => {
                q.list.apply(req, result, |p| match p {
                    Payload::Review(calls::Payload::Queue(page)) => Some(Page {
                        items: page.items.into_iter().map(QueueRow::from).collect(),
                        total: page.total,
                        next_cursor: page.next_cursor,
                    }),
                    _ => None,
                });
                effects.extend(ask_claims(state, view));
            }
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
        let row = self.list.rows.get(self.list.selected)?;
        Some(("document id", row.item.document_id.to_string()))
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
        // A renewal stopped is tried again at the next tick.
        self.claiming = None;
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
    fn closing(&self) -> Option<Call> {
        matches!(self.claim, ClaimState::Mine { .. })
            .then(|| Call::Review(calls::Call::Release(self.item.document_id)))
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
    fn subject(&self) -> Option<crate::app::pane::Subject> {
        Some(crate::app::pane::Subject {
            key: calls::subject(self.item.document_id),
            title: self.title(),
        })
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
        ("Claimed by", d.claim_text()),
        (
            "Type",
            current
                .and_then(|c| c.type_name(language))
                .unwrap_or_default()
                .into(),
        ),
        (
            "Rejected for",
            current
                .and_then(|c| c.rejected_reason.clone())
                .unwrap_or_default(),
        ),
    ]
}

crate::filter_on_columns!(QueueRow, COLUMNS);

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
        let wanted: Vec<(RequestId, Call)> = calls(&effects);
        assert!(
            matches!(
                wanted.iter().map(|(_, c)| c).collect::<Vec<_>>()[..],
                [
                    Call::Review(calls::Call::Claim(_)),
                    Call::Review(calls::Call::Person(_)),
                    Call::Review(calls::Call::Document { .. })
                ]
            ),
            "{wanted:?}"
        );
        let claimed = crate::team::ClaimResult::Taken(claim_by("you", None));
        answer(&mut s, wanted[0].0, calls::Payload::Claimed(claimed));
        s
    }

    fn claim_by(owner: &str, name: Option<&str>) -> crate::team::Claim {
        let t = jiff::Timestamp::from_second(1_790_000_000).unwrap();
        crate::team::Claim {
            item: "Unioo:document:x".into(),
            owner: owner.into(),
            owner_name: name.map(str::to_string),
            host: "jump-2".into(),
            taken_at: t,
            expires_at: t,
        }
    }

    fn answer(s: &mut State, req: RequestId, payload: calls::Payload) -> Vec<Effect> {
        update(
            s,
            Action::Loaded {
                req,
                result: Ok(Payload::Review(payload)),
            },
        )
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
        let sent: Vec<Call> = calls(&effects).into_iter().map(|(_, c)| c).collect();
        assert!(
            matches!(
                &sent[..],
                [
                    Call::Review(calls::Call::Release(decided)),
                    Call::Review(calls::Call::Claim(next)),
                    Call::Review(calls::Call::Person(_)),
                    Call::Review(calls::Call::Document { .. }),
                ] if *decided == item("A", 1).document_id && *next == item("B", 2).document_id
            ),
            "the decided document is let go and the next one claimed: {sent:?}"
        );
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

    #[test]
    fn a_document_someone_else_holds_is_taken_over_with_a_reason_before_deciding() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('v')));
        let page = Page {
            items: vec![item("A", 1)],
            total: 1,
            next_cursor: None,
        };
        let effects = answer(&mut s, req, calls::Payload::Queue(page));
        let (claims_req, call) = call_req(&effects);
        assert_eq!(
            call,
            Call::Review(calls::Call::Claims(vec![item("A", 1).document_id]))
        );
        let theirs = ClaimShown {
            claim: claim_by("ana", Some("Ana Berg")),
            age: Duration::from_secs(12 * 60),
            mine: false,
        };
        answer(
            &mut s,
            claims_req,
            calls::Payload::Claims(vec![(item("A", 1).document_id, theirs)]),
        );
        let ViewKind::Queue(q) = &s.top().kind else {
            panic!()
        };
        let row = crate::app::columns::cells(COLUMNS, &q.list.rows[0], &s.shown());
        assert_eq!(row.last().map(String::as_str), Some("Ana Berg 12 min"));

        let effects = key(&mut s, KeyCode::Enter);
        let (claim_req, _) = call_req(&effects);
        let held = crate::team::ClaimResult::HeldBy(claim_by("ana", Some("Ana Berg")));
        answer(&mut s, claim_req, calls::Payload::Claimed(held));
        assert!(
            document(&s)
                .notice
                .as_deref()
                .unwrap()
                .contains("Ana Berg holds this document")
        );
        // Deciding asks to take it over first; nothing is sent without a reason.
        assert!(key(&mut s, KeyCode::Char('r')).is_empty());
        assert!(matches!(s.overlay, Overlay::Ask(_)));
        assert!(key(&mut s, KeyCode::Enter).is_empty());
        type_text(&mut s, "Ana is on leave");
        let (take_req, call) = call_req(&key(&mut s, KeyCode::Enter));
        let Call::Review(calls::Call::TakeOver { reason, audit, .. }) = call else {
            panic!("{call:?}")
        };
        assert_eq!(reason, "Ana is on leave");
        assert_eq!(audit.action, "claim.take_over");
        assert_eq!(audit.reason.as_deref(), Some("Ana is on leave"));
        let taken = crate::team::ClaimResult::Taken(claim_by("tester", None));
        answer(&mut s, take_req, calls::Payload::Claimed(taken));
        key(&mut s, KeyCode::Char('r'));
        assert!(matches!(
            s.overlay,
            Overlay::Confirm(Confirm { reject: true, .. })
        ));
    }

    #[test]
    fn a_claim_is_renewed_at_a_third_of_its_life_and_let_go_on_leaving() {
        let mut s = reviewing();
        let t0 = s.now;
        let ttl = s.profile.claim_ttl;
        assert!(update(&mut s, Action::Tick(t0 + ttl / 4)).is_empty());
        let effects = update(&mut s, Action::Tick(t0 + ttl / 3));
        assert!(matches!(
            call_req(&effects).1,
            Call::Review(calls::Call::Claim(_))
        ));
        // Esc stops what the view still waits for; the next Esc leaves it and lets go.
        key(&mut s, KeyCode::Esc);
        let effects = key(&mut s, KeyCode::Esc);
        assert!(
            calls(&effects)
                .iter()
                .any(|(_, c)| matches!(c, Call::Review(calls::Call::Release(_)))),
            "{effects:?}"
        );
        assert!(matches!(s.top().kind, ViewKind::Queue(_)));
    }

    #[test]
    fn deciding_waits_for_the_claim_and_says_why_when_the_store_is_down() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('v')));
        let page = Page {
            items: vec![item("A", 1)],
            total: 1,
            next_cursor: None,
        };
        answer(&mut s, req, calls::Payload::Queue(page));
        let (claim_req, _) = call_req(&key(&mut s, KeyCode::Enter));
        key(&mut s, KeyCode::Char('a'));
        assert!(matches!(s.overlay, Overlay::None), "not before the claim");
        let down = BackendError::Unreachable {
            backend: crate::app::team::NAME,
            request_id: "-".into(),
            detail: "connection refused".into(),
        };
        update(
            &mut s,
            Action::Loaded {
                req: claim_req,
                result: Err(down),
            },
        );
        key(&mut s, KeyCode::Char('a'));
        assert!(matches!(s.overlay, Overlay::None));
        let notice = document(&s).notice.clone().unwrap();
        assert!(notice.contains("could not be claimed"), "{notice}");
        assert_eq!(
            s.health.get(crate::app::team::NAME),
            Some(crate::app::state::Health::Down),
            "the status bar shows the store like a backend"
        );
    }

    #[test]
    fn a_decision_key_typed_while_claiming_is_asked_once_the_claim_is_in() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('v')));
        let page = Page {
            items: vec![item("A", 1)],
            total: 1,
            next_cursor: None,
        };
        answer(&mut s, req, calls::Payload::Queue(page));
        let (claim_req, _) = call_req(&key(&mut s, KeyCode::Enter));
        key(&mut s, KeyCode::Char('r'));
        assert!(matches!(s.overlay, Overlay::None), "not before the claim");
        let taken = crate::team::ClaimResult::Taken(claim_by("tester", None));
        answer(&mut s, claim_req, calls::Payload::Claimed(taken));
        assert!(matches!(
            s.overlay,
            Overlay::Confirm(Confirm { reject: true, .. })
        ));
        assert_eq!(document(&s).notice, None);
    }

    #[test]
    fn a_four_eyes_decision_leaves_as_a_proposal_and_nothing_is_sent() {
        let mut s = reviewing();
        s.profile.four_eyes = vec!["legitimation.reject".into()];
        // Approving is not listed: it is sent as before.
        key(&mut s, KeyCode::Char('a'));
        let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
        assert!(
            matches!(call, Call::Review(calls::Call::Decide { .. })),
            "{call:?}"
        );

        let mut s = reviewing();
        s.profile.four_eyes = vec!["legitimation.reject".into()];
        key(&mut s, KeyCode::Char('r'));
        let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
        let Call::Propose(inner) = call else {
            panic!("{call:?}")
        };
        assert!(matches!(*inner, Call::Review(calls::Call::Decide { .. })));
        let t = jiff::Timestamp::from_second(1_790_000_000).unwrap();
        let proposal = crate::team::Proposal {
            id: uuid::Uuid::nil(),
            idempotency_key: uuid::Uuid::nil(),
            action: "legitimation.reject".into(),
            backend: "Unioo".into(),
            targets: vec![],
            subject: "Unioo:document:x".into(),
            seen_version: "3".into(),
            reason: None,
            payload: serde_json::Value::Null,
            maker: "tester".into(),
            maker_name: None,
            maker_host: "ci".into(),
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
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Proposed(Box::new(proposal))),
            },
        );
        let d = document(&s);
        assert_eq!(d.deciding, None);
        assert!(d.notice.as_deref().unwrap().contains("Proposed, not sent"));
        assert!(d.notice.as_deref().unwrap().contains("(P lists proposals)"));
        assert!(s.toast.as_ref().unwrap().0.contains("(P lists proposals)"));
        assert_eq!(d.item.person.first_name, "A", "stays on the document");
    }

    #[test]
    fn a_claim_is_renewed_while_another_view_is_above_its_document() {
        let mut s = reviewing();
        let t0 = s.now;
        let ttl = s.profile.claim_ttl;
        key(&mut s, KeyCode::Char('T'));
        assert!(
            !matches!(s.top().kind, ViewKind::Document(_)),
            "the timeline is on top"
        );
        let effects = update(&mut s, Action::Tick(t0 + ttl / 3));
        assert!(
            calls(&effects)
                .iter()
                .any(|(_, c)| matches!(c, Call::Review(calls::Call::Claim(_)))),
            "{effects:?}"
        );
    }
}
