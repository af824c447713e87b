//! One-line prompts: an external id to look up, a CSV file to import, the Healthmov password.

use crate::app::action::{Call, Effect, Password, Payload, RequestId};
use crate::app::requests::start;
use crate::app::state::*;
use crate::backends::BackendError;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

/// Opens the login prompt after Healthmov refused the session; `view` loads again after.
pub fn ask_login(state: &mut State, view: ViewId, e: &BackendError) {
    state.ask_login(view, e);
}

/// Keys for the login prompt, which sits above everything else.
pub fn on_login_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(p) = &mut state.login else {
        return Vec::new();
    };
    if p.sending.is_some() {
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc => state.login = None,
        KeyCode::Enter if p.input.value().is_empty() => {
            p.error = Some("Type the password, or Esc to carry on without Healthmov.".into());
        }
        KeyCode::Enter => {
            let password = Password(secrecy::SecretString::from(p.input.value().to_string()));
            // The typed password leaves the screen state at once.
            p.input = Default::default();
            let view = state.top().id;
            let mut effects = Vec::new();
            let req = start(
                state,
                view,
                Call::Onboarding(super::calls::Call::LogIn(password)),
                &mut effects,
            );
            if let Some(p) = &mut state.login {
                p.sending = Some(req);
                p.error = None;
            }
            return effects;
        }
        _ => {
            p.input.handle_event(&TermEvent::Key(key));
            p.error = None;
        }
    }
    Vec::new()
}

/// Keys for the external-id and import-file prompts.
pub fn on_prompt_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let view = state.top().id;
    let Overlay::Prompt(p) = &mut state.overlay else {
        return Vec::new();
    };
    if p.sending.is_some() {
        if key.code == KeyCode::Esc {
            let req = p.sending.take();
            state.overlay = Overlay::None;
            if let Some(r) = req {
                state.requests.remove(&r);
                return vec![Effect::Cancel(r)];
            }
        }
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc => state.overlay = Overlay::None,
        KeyCode::Enter => {
            let text = p.input.value().trim().to_string();
            if text.is_empty() {
                p.error = Some(match p.kind {
                    PromptKind::ImportFile { .. } => "Type the path of a CSV file.".into(),
                    PromptKind::ProductionGate { .. } => "Type the profile's name.".into(),
                    _ => "Type an external id.".into(),
                });
                return Vec::new();
            }
            let mut effects = Vec::new();
            match p.kind.clone() {
                PromptKind::FindExternalId => {
                    let req = start(
                        state,
                        view,
                        Call::Onboarding(super::calls::Call::FindExternalId(text)),
                        &mut effects,
                    );
                    if let Overlay::Prompt(p) = &mut state.overlay {
                        p.sending = Some(req);
                    }
                }
                PromptKind::ImportFile {
                    company_id,
                    department_id,
                    into,
                } => {
                    let path = expand_home(&text);
                    let call = Call::Onboarding(super::calls::Call::CheckImport {
                        path: path.clone(),
                        department_given: department_id.is_some(),
                    });
                    let req = start(state, view, call, &mut effects);
                    state.overlay = Overlay::Import(Box::new(ImportRun {
                        path,
                        company_id,
                        department_id,
                        into,
                        stage: ImportStage::Checking(req),
                    }));
                }
                PromptKind::Login { .. } => {}
                PromptKind::ProductionGate { then } => {
                    if text != state.profile.name {
                        if let Overlay::Prompt(p) = &mut state.overlay {
                            p.error = Some(format!(
                                "That is not the profile's name. Type {} to go on, or Esc.",
                                state.profile.name
                            ));
                        }
                        return Vec::new();
                    }
                    state.production_unlocked = true;
                    state.overlay = Overlay::None;
                    return vec![Effect::Run(then)];
                }
            }
            return effects;
        }
        _ => {
            p.input.handle_event(&TermEvent::Key(key));
            p.error = None;
        }
    }
    Vec::new()
}

/// `~/x.csv` as a shell would read it.
fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => path.into(),
    }
}

/// The answer to a prompt: a lookup, or a login. `None` when it was not one of theirs.
pub fn on_prompt_loaded(
    state: &mut State,
    req: RequestId,
    result: &mut Option<Result<Payload, BackendError>>,
) -> Option<Vec<Effect>> {
    if let Some(login) = &mut state.login
        && login.sending == Some(req)
    {
        login.sending = None;
        let PromptKind::Login { view, .. } = login.kind else {
            return Some(Vec::new());
        };
        return Some(match result.take()? {
            Ok(_) => {
                state.login = None;
                state
                    .health
                    .insert(crate::backends::healthmov::NAME, Health::Ok);
                match state.views.iter().any(|v| v.id == view) {
                    true => super::reload(state, view, Some("Logged in to Healthmov.".into())),
                    false => Vec::new(),
                }
            }
            Err(e) => {
                login.error = Some(match e {
                    BackendError::Unauthorized { detail, .. } => detail,
                    e => e.to_string(),
                });
                Vec::new()
            }
        });
    }
    let Overlay::Prompt(p) = &mut state.overlay else {
        return None;
    };
    if p.sending != Some(req) {
        return None;
    }
    p.sending = None;
    let wanted = p.input.value().trim().to_string();
    Some(match result.take()? {
        Ok(Payload::Onboarding(super::calls::Payload::Found(found))) => {
            state.overlay = Overlay::None;
            match super::open_found(state, found) {
                Some(effects) => effects,
                None => {
                    let mut again = Prompt::new(PromptKind::FindExternalId);
                    again.input = tui_input::Input::new(wanted.clone());
                    again.error = Some(format!(
                        "No company, department or employee has the external id {wanted:?} in Healthmov."
                    ));
                    state.overlay = Overlay::Prompt(again);
                    Vec::new()
                }
            }
        }
        Ok(_) => Vec::new(),
        Err(e) => {
            if e.wants_login() {
                let view = state.top().id;
                ask_login(state, view, &e);
            }
            if let Overlay::Prompt(p) = &mut state.overlay {
                p.error = Some(e.to_string());
            }
            Vec::new()
        }
    })
}
