//! The audit trail pane (`:audit`): the log's records, newest first, with a text filter and
//! the chain check. Free of I/O: the runner reads the file.

pub mod calls;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Tone, Width};
use crate::app::features::ViewKind;
use crate::app::paging::{ListCursor, step};
use crate::app::pane::{Feature, Pane};
use crate::app::registry::{self, Command, Context};
use crate::app::requests::{self, start};
use crate::app::state::{Resource, State, ViewId};
use crate::audit::{Outcome, Record};
use crate::backends::BackendError;
use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

/// The audit trail's table: the pane and `:export` show these.
pub const COLUMNS: &[Column<Record>] = &[
    Column::new("Time (UTC)", Width::Fixed(16), |r| match r.time.parse() {
        Ok(t) => crate::format::minute(t),
        Err(_) => r.time.clone(),
    }),
    Column::new("Action", Width::Fixed(20), |r| r.event.action.clone()),
    Column::new("Outcome", Width::Fixed(7), |r: &Record| {
        r.outcome.label().into()
    })
    .toned(|r, _| match r.outcome {
        Outcome::Intent => Tone::Dim,
        Outcome::Ok => Tone::Ok,
        Outcome::Error { .. } => Tone::Danger,
    }),
    Column::new("CPR", Width::Fixed(11), |r: &Record| {
        r.event.cpr_masked.clone().unwrap_or_default()
    })
    .from_width(100),
    Column::new("Targets", Width::Fill(1), |r: &Record| {
        r.event.targets.join(" ")
    }),
    Column::new("Reason", Width::Fill(1), |r| r.reason_shown().into()),
    Column::new("Profile", Width::Max(12), |r: &Record| r.profile.clone()).from_width(90),
    Column::new("By", Width::Fixed(16), |r: &Record| r.by().into()).from_width(110),
];

/// One record's every field, as Enter shows it: the full reason and error, the targets,
/// who acted from where, and the chain.
pub fn record_fields(r: &Record) -> Vec<(&'static str, String)> {
    let dash = |s: Option<&str>| s.filter(|s| !s.is_empty()).unwrap_or("—").to_string();
    let mut fields = vec![
        (
            "Time",
            match r.time.parse() {
                Ok(t) => crate::format::datetime(Some(t)),
                Err(_) => r.time.clone(),
            },
        ),
        ("Action", r.event.action.clone()),
        ("Backend", r.event.backend.clone()),
        ("Outcome", r.outcome.label().to_string()),
    ];
    if let Outcome::Error {
        message,
        request_id,
    } = &r.outcome
    {
        fields.push(("Error", message.clone()));
        fields.push(("Request id", dash(request_id.as_deref())));
    }
    fields.extend([
        ("Targets", dash(Some(&r.event.targets.join(", ")))),
        ("CPR", dash(r.event.cpr_masked.as_deref())),
        ("Reason", dash(r.event.reason.as_deref())),
        ("Profile", r.profile.clone()),
        ("Operator", dash(r.operator.as_deref())),
        ("OS user", r.os_user.clone()),
        ("Host", r.host.clone()),
        ("SSH client", dash(r.ssh_client.as_deref())),
        ("Correlation", r.event.correlation.clone()),
        ("Hash", r.hash.clone()),
    ]);
    fields
}

pub struct AuditTrail;

/// `:audit`: the trail, read from the log.
pub fn open(state: &mut State) -> Vec<Effect> {
    if let Some(effects) = requests::return_to(state, |k| matches!(k, ViewKind::Audit(_))) {
        return effects;
    }
    let view = state.push(ViewKind::Audit(Box::new(AuditView {
        records: Resource::Idle,
        verified: None,
        filter: Default::default(),
        filtering: false,
        selected: 0,
        opened: None,
    })));
    load(state, view)
}

fn load(state: &mut State, view: ViewId) -> Vec<Effect> {
    let mut effects = Vec::new();
    let req = start(state, view, Call::Audit(calls::Call::Load), &mut effects);
    if let Some(ViewKind::Audit(a)) = state.view_mut(view).map(|v| &mut v.kind) {
        a.records = Resource::Loading(req);
    }
    effects
}

impl Feature for AuditTrail {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        let rows = crate::app::paging::list_rows(state.size.1);
        if let ViewKind::Audit(a) = &mut state.top_mut().kind {
            match command {
                Command::Filter => a.filtering = true,
                Command::Up
                | Command::Down
                | Command::PageUp
                | Command::PageDown
                | Command::Top
                | Command::Bottom => {
                    let len = a.visible().len();
                    a.selected = step(a.selected, len, command, rows);
                }
                _ => {}
            }
        }
        Vec::new()
    }

    fn on_other_key(&self, state: &mut State, key: KeyEvent) -> Vec<Effect> {
        if let ViewKind::Audit(a) = &mut state.top_mut().kind
            && a.filtering
        {
            if matches!(key.code, KeyCode::Enter | KeyCode::Esc) {
                a.filtering = false;
            } else {
                a.filter.handle_event(&Event::Key(key));
                a.selected = 0;
            }
        }
        Vec::new()
    }

    fn open(&self, state: &mut State) -> Vec<Effect> {
        if let ViewKind::Audit(a) = &mut state.top_mut().kind {
            a.opened = a.visible().get(a.selected).map(|r| Box::new((*r).clone()));
        }
        Vec::new()
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        load(state, view)
    }

    fn on_loaded(
        &self,
        state: &mut State,
        view: ViewId,
        _: RequestId,
        result: Result<Payload, BackendError>,
    ) -> Vec<Effect> {
        if let Some(ViewKind::Audit(a)) = state.view_mut(view).map(|v| &mut v.kind) {
            match result {
                Ok(Payload::Audit(calls::Payload::Loaded { records, verified })) => {
                    a.records = Resource::Loaded(records);
                    a.verified = Some(verified);
                }
                Err(e) => a.records = Resource::Failed(e.to_string()),
                Ok(_) => {}
            }
        }
        Vec::new()
    }
}

impl Pane for AuditView {
    fn title(&self) -> String {
        "Audit trail".into()
    }
    fn context(&self) -> Context {
        if self.filtering {
            // Typing the filter: keys stay in the field until Enter or Esc.
            registry::TYPING
        } else {
            registry::AUDIT
        }
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        Some(match &self.opened {
            Some(r) => Sheet::fields("audit-record", record_fields(r)),
            None => Sheet::of("audit-trail", COLUMNS, self.visible(), shown),
        })
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        // An opened record's hash: what `audit verify` and the team's copy are checked by.
        self.opened
            .as_ref()
            .map(|r| ("record hash", r.hash.clone()))
    }
    fn cancelled(&mut self) {}
    fn back(&mut self) -> bool {
        // Esc closes an opened record, or leaves the filter field keeping what was typed.
        self.opened.take().is_some() || std::mem::take(&mut self.filtering)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::app::test_support::*;
    use crate::app::update::update;
    use crossterm::event::KeyCode;

    #[test]
    fn the_filter_keeps_keys_until_enter_and_then_the_list_has_them_again() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char(':'));
        type_text(&mut s, "audit");
        let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
        let record = |action: &str| {
            crate::audit::Record::seal(
                &crate::audit::Actor::from_env(None, "t"),
                crate::audit::Event::test(action),
                crate::audit::Outcome::Ok,
                "",
            )
        };
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Audit(calls::Payload::Loaded {
                    records: vec![record("a.one"), record("b.two"), record("b.three")],
                    verified: Ok(3),
                })),
            },
        );
        key(&mut s, KeyCode::Char('f'));
        // While the filter has the keys, letters are typed into it.
        type_text(&mut s, "b.");
        key(&mut s, KeyCode::Enter);
        let ViewKind::Audit(a) = &s.top().kind else {
            panic!("still the audit trail")
        };
        assert_eq!(a.filter.value(), "b.");
        assert!(!a.filtering);
        assert_eq!(a.visible().len(), 2);
        // After Enter, `j` moves in the list instead of typing.
        key(&mut s, KeyCode::Char('j'));
        let ViewKind::Audit(a) = &s.top().kind else {
            panic!()
        };
        assert_eq!(a.filter.value(), "b.");
        assert_eq!(a.selected, 1);
        // Esc leaves the field, keeping the view.
        key(&mut s, KeyCode::Char('f'));
        key(&mut s, KeyCode::Esc);
        assert!(matches!(s.top().kind, ViewKind::Audit(_)));
    }

    #[test]
    fn enter_opens_a_record_with_every_field_and_esc_closes_it() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char(':'));
        type_text(&mut s, "audit");
        let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
        let long_reason = format!("customer called back: {}", "details ".repeat(40));
        let failed = crate::audit::Record::seal(
            &crate::audit::Actor {
                os_user: "officer1".into(),
                host: "jump-2".into(),
                ssh_client: Some("10.0.0.7".into()),
                profile: "prod".into(),
                ..Default::default()
            },
            crate::audit::Event {
                reason: Some(long_reason.clone()),
                targets: vec!["bunq-user:2001".into()],
                ..crate::audit::Event::test("bunq.block")
            },
            crate::audit::Outcome::Error {
                message: "bunq answered HTTP 500".into(),
                request_id: Some("req-42".into()),
            },
            "",
        );
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Audit(calls::Payload::Loaded {
                    records: vec![failed],
                    verified: Ok(1),
                })),
            },
        );
        key(&mut s, KeyCode::Enter);
        let ViewKind::Audit(a) = &s.top().kind else {
            panic!()
        };
        let fields = record_fields(a.opened.as_ref().expect("opened"));
        let get = |k: &str| {
            fields
                .iter()
                .find(|(l, _)| *l == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("Reason"), Some(long_reason.as_str()), "in full");
        assert_eq!(get("Targets"), Some("bunq-user:2001"));
        assert_eq!(get("Request id"), Some("req-42"));
        assert_eq!(get("Error"), Some("bunq answered HTTP 500"));
        assert_eq!(get("Profile"), Some("prod"));
        assert_eq!(get("Host"), Some("jump-2"));
        assert_eq!(get("SSH client"), Some("10.0.0.7"));
        assert_eq!(get("OS user"), Some("officer1"));
        // The log's RFC 3339 time, written as every screen writes a time.
        let time = get("Time").expect("a time");
        assert!(
            time.len() == 20 && time.ends_with(" UTC") && time.as_bytes()[10] == b' ',
            "{time}"
        );
        assert_eq!(
            &time[..16],
            COLUMNS[0].text(a.opened.as_ref().unwrap(), &s.shown())
        );
        // `:export` writes the record as opened.
        let sheet = s.top().kind.pane().sheet(&s.shown()).unwrap();
        assert_eq!(sheet.name, "audit-record");
        key(&mut s, KeyCode::Esc);
        let ViewKind::Audit(a) = &s.top().kind else {
            panic!("Esc closes the record, not the trail")
        };
        assert!(a.opened.is_none());
    }
}
