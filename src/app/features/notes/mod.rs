//! Case notes and timelines. `N` on one record (a person, a document, a proposal, a user of any
//! backend) adds an internal note to its subject in the team store; `T` shows everything the
//! store holds on it, newest first: notes, decisions and reveals, proposals' steps, claims
//! taken over. Which record a view shows is its [`Pane::subject`]. Free of I/O.
//!
//! A note is typed in the shared [`ask`] dialog, with any CPR number in it masked before it
//! leaves. Once sent, a note is one write to the store: its answer comes back here whichever
//! view is on top. One the store did not take is never dropped silently: the dialog opens
//! again with the text (or, if the operator has moved on, the text is kept for the next `N`
//! on that record), and the status bar says why.

pub mod calls;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::ask::{self, Ask};
use crate::app::columns::{Column, Sheet, Shown, Width};
use crate::app::features::ViewKind;
use crate::app::paging::ListCursor;
use crate::app::pane::{Feature, Pane, Subject};
use crate::app::registry::{self, Command, Context};
use crate::app::requests;
use crate::app::state::{Overlay, State, ViewId};
use crate::backends::BackendError;
use crate::core::Page;
use crate::team::{EntryKind, TimelineEntry};

/// The timeline's table, as the pane draws it and `:export` writes it.
pub const COLUMNS: &[Column<TimelineEntry>] = &[
    Column::new("When (UTC)", Width::Fixed(16), |e| {
        crate::format::minute(e.at)
    }),
    Column::new("Who", Width::Fixed(16), who),
    Column::new("Kind", Width::Fixed(12), |e| kind_words(&e.kind)),
    Column::new("Text", Width::Fill(1), |e| e.text.clone()),
];

crate::filter_on_columns!(TimelineEntry, COLUMNS);

/// The operator (their name where the profile gives one) and the host they worked from.
fn who(e: &TimelineEntry) -> String {
    let name = e
        .who_name
        .clone()
        .or_else(|| e.who.clone())
        .unwrap_or_else(|| "team store".into());
    match &e.host {
        Some(host) => format!("{name}@{host}"),
        None => name,
    }
}

/// What an entry records, in words ("note", "declined", "CPR revealed").
pub fn kind_words(kind: &EntryKind) -> String {
    match kind {
        EntryKind::Note => "note",
        EntryKind::ProposalMade => "proposed",
        EntryKind::ProposalConfirmed => "confirmed",
        EntryKind::ProposalDeclined => "declined",
        EntryKind::ProposalVoid => "void",
        EntryKind::ProposalDone => "done",
        EntryKind::ProposalResent => "sent again",
        EntryKind::ClaimTakenOver => "taken over",
        EntryKind::Event(kind) => match kind.as_str() {
            "legitimation.approve" => "approved",
            "legitimation.reject" => "rejected",
            "cpr.reveal" => "CPR revealed",
            "cpr.copy" => "CPR copied",
            // An action's last word: `bank-user.block` is "block", `end-user.data-change`
            // "data change"; the text says the action in full.
            other => {
                return other
                    .rsplit('.')
                    .next()
                    .unwrap_or(other)
                    .replace(['-', '_'], " ");
            }
        },
    }
    .to_string()
}

/// One entry in full, as the opened entry shows it and `:export` writes it.
pub fn entry_fields(e: &TimelineEntry) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("When", crate::format::datetime(Some(e.at))),
        (
            "Who",
            e.who_name
                .clone()
                .or_else(|| e.who.clone())
                .unwrap_or_else(|| "the team store".into()),
        ),
        ("Operator key", e.who.clone().unwrap_or_default()),
        ("Host", e.host.clone().unwrap_or_default()),
        (
            "Kind",
            match kind_words(&e.kind) {
                words if words == e.kind.as_str() => words,
                words => format!("{words} ({})", e.kind.as_str()),
            },
        ),
    ];
    if let Some(p) = e.proposal {
        fields.push(("Proposal", p.to_string()));
    }
    fields.push(("Text", e.text.clone()));
    fields
}

/// Notes on their way to the store, and the text of one it did not take.
#[derive(Debug, Default)]
pub struct Outbox {
    sending: Vec<Sending>,
    /// The subject's key and the text of the last note that was not saved: `N` on that
    /// subject offers it again.
    kept: Option<(String, String)>,
}

#[derive(Debug)]
struct Sending {
    req: RequestId,
    /// The view `N` was pressed on.
    view: ViewId,
    subject: Subject,
    text: String,
}

impl Outbox {
    /// The text kept for `subject` after the store did not take it.
    pub fn kept(&self, subject: &str) -> Option<&str> {
        match &self.kept {
            Some((s, text)) if s == subject => Some(text),
            _ => None,
        }
    }
}

/// `N`: the note dialog for the record on screen.
pub fn add(state: &mut State) -> Vec<Effect> {
    let Some(subject) = state.top().kind.pane().subject() else {
        state.show_toast("There is no record here to add a note to.".into());
        return Vec::new();
    };
    let view = state.top().id;
    let draft = state
        .notes
        .kept(&subject.key)
        .unwrap_or_default()
        .to_string();
    ask_note(state, view, subject, draft, None);
    Vec::new()
}

fn ask_note(
    state: &mut State,
    view: ViewId,
    subject: Subject,
    draft: String,
    error: Option<String>,
) {
    let question = format!(
        "An internal note on {}. Every operator sees it on the timeline; it is never sent to a backend. A CPR number is kept masked.",
        subject.title
    );
    let mut dialog = Ask::new(
        "Add a note",
        question,
        "Note: ",
        "adds the note",
        Box::new(move |state, text| send(state, view, subject, text)),
    );
    dialog.input = tui_input::Input::new(draft);
    dialog.error = error;
    ask::open(state, dialog);
}

/// Enter in the note dialog: the note, CPR numbers masked, to the store.
fn send(state: &mut State, view: ViewId, subject: Subject, text: String) -> Vec<Effect> {
    let text = crate::core::cpr::redact_cprs(&text);
    let call = Call::Notes(calls::Call::Add {
        subject: subject.key.clone(),
        text: text.clone(),
    });
    let mut effects = Vec::new();
    let req = requests::start(state, view, call, &mut effects);
    state.notes.sending.push(Sending {
        req,
        view,
        subject,
        text,
    });
    effects
}

/// The answer to a note sent, if `req` was one: a toast when saved (and the timeline it was
/// added from read again); when not, the dialog again with the text, or the text kept.
pub fn on_sent(
    state: &mut State,
    req: RequestId,
    result: &Result<Payload, BackendError>,
) -> Option<Vec<Effect>> {
    let at = state.notes.sending.iter().position(|s| s.req == req)?;
    let sent = state.notes.sending.remove(at);
    let title = crate::sanitize::line(&sent.subject.title).into_owned();
    match result {
        Ok(_) => {
            if state.notes.kept(&sent.subject.key).is_some() {
                state.notes.kept = None;
            }
            state.show_toast(format!("Note added to {title}."));
            let on_its_timeline = state.views.iter().any(|v| {
                v.id == sent.view
                    && matches!(&v.kind, ViewKind::Timeline(t) if t.subject.key == sent.subject.key)
            });
            if on_its_timeline {
                if let Some(ViewKind::Timeline(t)) = state.view_mut(sent.view).map(|v| &mut v.kind)
                {
                    t.list.refresh();
                }
                return Some(load(state, sent.view));
            }
            Some(Vec::new())
        }
        Err(e) => {
            let why = format!("The note was NOT saved: {e}");
            state.notes.kept = Some((sent.subject.key.clone(), sent.text.clone()));
            if state.top().id == sent.view && matches!(state.overlay, Overlay::None) {
                ask_note(state, sent.view, sent.subject, sent.text, Some(why));
            } else {
                let key = state.keymap.label(Command::AddNote);
                state.show_toast(format!("{why} {key} on {title} offers your text again."));
            }
            Some(Vec::new())
        }
    }
}

/// A request was given up (Esc, or its view closed): a note it carried may not be saved, so
/// its text is kept and the operator told.
pub fn cancelled(state: &mut State, req: RequestId) {
    let Some(at) = state.notes.sending.iter().position(|s| s.req == req) else {
        return;
    };
    let sent = state.notes.sending.remove(at);
    let key = state.keymap.label(Command::AddNote);
    state.show_toast(format!(
        "Stopped waiting: the note on {} may not be saved. {key} there offers your text again.",
        crate::sanitize::line(&sent.subject.title)
    ));
    state.notes.kept = Some((sent.subject.key, sent.text));
}

/// `T`: the timeline of the record on screen.
pub fn open_timeline(state: &mut State) -> Vec<Effect> {
    let Some(subject) = state.top().kind.pane().subject() else {
        state.show_toast("There is no record here with a timeline.".into());
        return Vec::new();
    };
    let view = state.push(ViewKind::Timeline(Box::new(TimelineView::new(subject))));
    load(state, view)
}

fn load(state: &mut State, view: ViewId) -> Vec<Effect> {
    requests::load_page(state, view, |k| match k {
        ViewKind::Timeline(t) => Some(Call::Notes(calls::Call::Timeline(t.subject.key.clone()))),
        _ => None,
    })
}

pub struct Notes;

impl Feature for Notes {
    fn on_command(&self, _state: &mut State, _command: Command) -> Vec<Effect> {
        Vec::new()
    }

    /// Enter: the selected entry in full.
    fn open(&self, state: &mut State) -> Vec<Effect> {
        if let ViewKind::Timeline(t) = &mut state.top_mut().kind
            && t.selected().is_some()
        {
            t.opened = true;
        }
        Vec::new()
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        match &mut state.top_mut().kind {
            ViewKind::Timeline(t) => {
                t.list.refresh();
                load(state, view)
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
        if let Some(ViewKind::Timeline(t)) = state.view_mut(view).map(|v| &mut v.kind) {
            t.list.apply(req, result, |p| match p {
                // The store answers newest first; kept so, whatever order it came in.
                Payload::Notes(calls::Payload::Timeline(mut entries)) => {
                    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
                    Some(Page {
                        total: entries.len(),
                        items: entries,
                        next_cursor: None,
                    })
                }
                _ => None,
            });
        }
        Vec::new()
    }
}

impl Pane for TimelineView {
    fn title(&self) -> String {
        "Timeline".into()
    }
    fn context(&self) -> Context {
        registry::TIMELINE
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        // An opened entry has no rows to move.
        (!self.opened).then_some(&mut self.list as &mut dyn ListCursor)
    }
    fn filter(&self) -> Option<&crate::app::filter::ListFilter> {
        self.list.filter.as_ref()
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        match (self.opened, self.selected()) {
            (true, Some(e)) => Some(Sheet::fields("timeline-entry", entry_fields(e))),
            _ => Some(Sheet::of("timeline", COLUMNS, &self.list.rows, shown)),
        }
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("subject", self.subject.key.clone()))
    }
    fn cancelled(&mut self) {
        ListCursor::cancelled(&mut self.list)
    }
    fn back(&mut self) -> bool {
        std::mem::take(&mut self.opened)
    }
    fn subject(&self) -> Option<Subject> {
        Some(self.subject.clone())
    }
}

#[cfg(test)]
mod tests;
