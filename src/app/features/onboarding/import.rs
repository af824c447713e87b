//! The bulk import in the console: the file is checked first (nothing sent), Enter starts it,
//! progress shows as it goes, Esc or Ctrl-C stops it after the rows in flight, and the report
//! says exactly what went in and what did not.

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::requests::start;
use crate::app::state::*;
use crate::backends::BackendError;
use crate::onboarding::upload::Progress;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn on_import_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Overlay::Import(run) = &mut state.overlay else {
        return Vec::new();
    };
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    match &mut run.stage {
        ImportStage::Running { req, stopping, .. } if key.code == KeyCode::Esc || ctrl_c => {
            // Stops cleanly: the rows in flight finish and the journal has them.
            *stopping = true;
            return vec![Effect::Stop(*req)];
        }
        ImportStage::Running { .. } => {}
        ImportStage::Checking(req) if key.code == KeyCode::Esc => {
            let req = *req;
            state.requests.remove(&req);
            state.overlay = Overlay::None;
            return vec![Effect::Cancel(req)];
        }
        ImportStage::Checking(_) => {}
        ImportStage::Ready(_) if key.code == KeyCode::Enter => {
            return begin(state);
        }
        ImportStage::Ready(_) | ImportStage::Done(_) | ImportStage::Failed(_) => {
            if matches!(key.code, KeyCode::Esc | KeyCode::Enter) {
                let done = matches!(run.stage, ImportStage::Done(_));
                state.overlay = Overlay::None;
                if done {
                    let view = state.top().id;
                    return super::reload(state, view, None);
                }
            }
        }
    }
    Vec::new()
}

fn begin(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let Overlay::Import(run) = &mut state.overlay else {
        return Vec::new();
    };
    let ImportStage::Ready(checked) =
        std::mem::replace(&mut run.stage, ImportStage::Failed(String::new()))
    else {
        return Vec::new();
    };
    let audit = crate::onboarding::run::audit_event(&run.company_id, &run.path, checked.valid);
    let call = Call::Onboarding(super::calls::Call::Import {
        checked,
        company_id: run.company_id.clone(),
        department_id: run.department_id.clone(),
        audit: Box::new(audit),
    });
    let mut effects = Vec::new();
    let req = start(state, view, call, &mut effects);
    if let Overlay::Import(run) = &mut state.overlay {
        run.stage = ImportStage::Running {
            req,
            progress: None,
            stopping: false,
        };
    }
    effects
}

pub fn on_import_progress(state: &mut State, req: RequestId, p: Progress) {
    if let Overlay::Import(run) = &mut state.overlay
        && let ImportStage::Running {
            req: r, progress, ..
        } = &mut run.stage
        && *r == req
    {
        *progress = Some(p);
    }
}

/// The check's or the import's answer. `None` when it was not the import's.
pub fn on_import_loaded(
    state: &mut State,
    req: RequestId,
    result: &mut Option<Result<Payload, BackendError>>,
) -> Option<Vec<Effect>> {
    let Overlay::Import(run) = &mut state.overlay else {
        return None;
    };
    let ours = match run.stage {
        ImportStage::Checking(r) | ImportStage::Running { req: r, .. } => r == req,
        _ => false,
    };
    if !ours {
        return None;
    }
    run.stage = match result.take()? {
        Ok(Payload::Onboarding(super::calls::Payload::ImportChecked(c))) => ImportStage::Ready(c),
        Ok(Payload::Onboarding(super::calls::Payload::Imported(report))) => {
            ImportStage::Done(report)
        }
        Ok(_) => ImportStage::Failed("unexpected answer".into()),
        Err(e) => ImportStage::Failed(e.to_string()),
    };
    Some(Vec::new())
}
